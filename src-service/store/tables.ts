import type { Generated } from 'kysely';

// The service's tables as the query builder sees them, one interface per table, in the order
// the migrations (store/migrations.ts) create them. Column types are what both engines hand
// back: epoch milliseconds are numbers (PostgreSQL's BIGINT is parsed to a number, store/engines.ts),
// ISO dates are text, flags are 0 or 1, sealed secrets and hashes are Buffers.

type Id = Generated<number>;

export interface OrganisationsTable {
  id: Id;
  code: string;
  name: string;
  name_norm: string;
  kind: 'trust' | 'gp-practice' | 'pharmacy' | 'site' | 'directorate' | 'other';
  parent_id: number | null;
  path: string;
}

interface UsersTable {
  id: Id;
  uuid: string;
  given_name: string;
  family_name: string;
  family_name_norm: string;
  given_name_norm: string;
  ni_number: string | null;
  email: string | null;
  mobile: string | null;
  status: Generated<'open' | 'closed'>;
  home_org_id: number | null;
  created_at: string;
  email_changed_at: number | null;
  mobile_changed_at: number | null;
  date_of_birth: string | null;
}

interface PositionsTable {
  id: Id;
  org_id: number;
  title: string;
  job_role: string;
  roles: Generated<string>;
  assignable: Generated<number>;
  closed: Generated<number>;
}

interface PositionAssignmentsTable {
  id: Id;
  user_id: number;
  position_id: number;
  start_date: string;
  end_date: string | null;
  removed_at: string | null;
}

interface CardsTable {
  id: Id;
  uuid: string;
  serial: number;
  user_id: number;
  status: 'active' | 'locked' | 'revoked' | 'cancelled';
  algorithm: 'rsa2048' | 'p256';
  puk_sealed: Buffer | null;
  management_key_sealed: Buffer | null;
  management_key_algorithm: string | null;
  created_at: string;
  puk_pending_sealed: Buffer | null;
  self_unlock_barred_until: number | null;
  attestation_key: Buffer | null;
  /** Cleared for reuse (status 'revoked'): the card is blank and no longer registered. */
  cleared_at: string | null;
}

interface OrphanCertificatesTable {
  serial: string;
  operation_id: number;
  not_after: string;
  revoked_at: string;
  revocation_reason: string;
}

interface CardOperationsTable {
  id: Id;
  operation_hash: Buffer;
  kind: 'issue' | 'repair' | 'clear';
  status: 'opened' | 'authenticated' | 'issued' | 'personalised' | 'done' | 'void';
  card_serial: number | null;
  card_uuid: string;
  card_id: number | null;
  user_id: number;
  algorithm: 'rsa2048' | 'p256' | null;
  actor_user_id: number;
  actor_session_id: number;
  workstation_id: string;
  puk_sealed: Buffer | null;
  management_key_sealed: Buffer | null;
  attestation_key: Buffer | null;
  issued_serial: string | null;
  issued_der: Buffer | null;
  issued_not_after: string | null;
  witness_exchange: string | null;
  card_proofs: Generated<number>;
  outcome: string | null;
  created_at: number;
  expires_at: number;
  finished_at: number | null;
}

interface CertificatesTable {
  serial: string;
  card_id: number;
  der: Buffer | null;
  not_before: string;
  not_after: string;
  revoked_at: string | null;
  revocation_reason: string | null;
}

interface AuthenticatorsTable {
  id: Id;
  user_id: number;
  kind: string;
  label: string;
  created_at: string;
  removed_at: string | null;
  uuid: string | null;
  /** 2 or 3: the assurance a sign-in with it reaches. */
  aal: number | null;
  credential_id: string | null;
  public_key: Buffer | null;
  sign_count: number | null;
  secret_sealed: Buffer | null;
  subject: string | null;
  /** JSON: transports, AAGUID, attestation format, device name, upstream issuer... */
  details: string | null;
  issued_by: number | null;
  last_used_at: string | null;
  removed_by: number | null;
}

interface OidcModelsTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: number | null;
  consumed_at: number | null;
}

interface OidcClientsTable {
  client_id: string;
  metadata: string;
  created_at: string;
}

interface OidcSigningKeysTable {
  kid: string;
  alg: string;
  private_jwk_sealed: Buffer;
  created_at: number;
  retired_at: number | null;
}

interface OidcSignInsTable {
  id: Id;
  oidc_session_uid: string;
  sid: string;
  client_id: string;
  user_id: number;
  agent_session_id: number | null;
  authenticator_id: number | null;
  acr: string;
  /** JSON array of AMR values. */
  amr: string;
  signed_in_at: number;
  ended_at: number | null;
  end_reason: string | null;
}

interface BackchannelDeliveriesTable {
  id: Id;
  sign_in_id: number;
  client_id: string;
  uri: string;
  attempts: Generated<number>;
  next_attempt_at: number;
  delivered_at: number | null;
  given_up_at: number | null;
  last_error: string | null;
  created_at: number;
}

interface WebauthnSignInChallengesTable {
  id: Id;
  uid: string;
  challenge: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

interface AuthenticatorEnrolmentsTable {
  id: Id;
  token_hash: Buffer;
  kind: string;
  user_id: number;
  created_by: number;
  challenge: string | null;
  state_sealed: Buffer | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  authenticator_id: number | null;
}

interface DeviceSignInRequestsTable {
  id: Id;
  token_hash: Buffer;
  poll_hash: Buffer;
  kind: string;
  interaction_uid: string;
  client_name: string;
  challenge: string;
  created_at: number;
  expires_at: number;
  user_id: number | null;
  authenticator_id: number | null;
  signed_at: number | null;
  finished_at: number | null;
}

interface OidcSignInTicketsTable {
  id: Id;
  ticket_hash: Buffer;
  uid: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  /** The workstation session that redeemed it. */
  session_id: number | null;
}

interface PositionRequestsTable {
  id: Id;
  user_id: number;
  position_id: number;
  start_date: string;
  end_date: string;
  status: Generated<'pending' | 'granted' | 'rejected'>;
  requested_by: number;
  requested_at: string;
  decided_by: number | null;
  decided_at: string | null;
  reason: string | null;
}

interface WorkgroupsTable {
  id: Id;
  org_id: number;
  name: string;
  name_norm: string;
  description: string;
  created_at: string;
  created_by: number;
  closed_at: string | null;
  closed_by: number | null;
}

interface WorkgroupAssignmentsTable {
  id: Id;
  workgroup_id: number;
  user_id: number;
  start_date: string;
  end_date: string | null;
  assigned_by: number;
  assigned_at: string;
  removed_at: string | null;
  removed_by: number | null;
}

interface PositionWorkgroupsTable {
  position_id: number;
  workgroup_id: number;
}

interface ProfileStatusRequestsTable {
  id: Id;
  user_id: number;
  action: 'close' | 'reopen';
  reason: string;
  status: Generated<'pending' | 'accepted' | 'rejected'>;
  requested_by: number;
  requested_at: string;
  decided_by: number | null;
  decided_at: string | null;
  decision_reason: string | null;
}

interface DetailChangeRequestsTable {
  id: Id;
  user_id: number;
  changes: string;
  status: Generated<'pending' | 'accepted' | 'rejected'>;
  requested_by: number;
  requested_at: string;
  decided_by: number | null;
  decided_at: string | null;
  decision_reason: Generated<string | null>;
}

/**
 * `record`: the validated ESR record as JSON; `user_id`: the user changed, or the one created on
 * acceptance; `ni_number`: a create's, to find an existing profile with it.
 */
interface EsrRequestsTable {
  id: Id;
  esr_id: string;
  kind: 'create' | 'modify';
  org_id: number | null;
  user_id: number | null;
  ni_number: string | null;
  record: string;
  status: Generated<'pending' | 'accepted' | 'rejected'>;
  imported_at: string;
  imported_by: number | null;
  decided_by: number | null;
  decided_at: string | null;
  decision_reason: string | null;
}

interface EmailConfirmationsTable {
  id: Id;
  user_id: number;
  session_id: number;
  email: string;
  binding: Buffer;
  code_mac: Buffer;
  expires_at: number;
  tries: Generated<number>;
  status: Generated<'sent' | 'confirmed' | 'void'>;
  created_at: number;
}

interface LoginChallengesTable {
  nonce: string;
  workstation_id: string;
  expires_at: number;
  used: Generated<number>;
  purpose: Generated<'login' | 'contact-change'>;
  session_id: number | null;
}

interface LoginTicketsTable {
  ticket_hash: Buffer;
  user_id: number;
  card_id: number;
  workstation_id: string;
  expires_at: number;
  used: Generated<number>;
}

interface SessionsTable {
  id: Id;
  token_hash: Buffer;
  user_id: number;
  card_id: number;
  position_id: number;
  workstation_id: string;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
  end_reason: string | null;
  key_thumbprint: string | null;
}

interface AuditLogTable {
  seq: number;
  at: string;
  actor: string | null;
  action: string;
  subject: string | null;
  workstation_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

interface ServiceSecretsTable {
  name: string;
  value: Buffer;
}

interface CardUnlocksTable {
  id: Id;
  unlock_hash: Buffer;
  card_id: number;
  kind: 'self' | 'sponsor';
  workstation_id: string;
  sponsor_session_id: number | null;
  sponsor_user_id: number | null;
  channel: 'email' | 'sms' | null;
  code_mac: Buffer | null;
  code_expires_at: number | null;
  code_tries: Generated<number>;
  status: 'code-sent' | 'ready' | 'released' | 'committed' | 'void';
  expires_at: number | null;
  created_at: number;
  released_at: number | null;
  committed_at: number | null;
  witness_exchange: string | null;
  releases: Generated<number>;
  puk_reconciled_at: number | null;
}

interface OutboxTable {
  id: Id;
  channel: 'email' | 'sms';
  recipient: string;
  subject: string | null;
  body: string;
  created_at: number;
}

interface CardRenewalsTable {
  id: Id;
  renewal_hash: Buffer;
  card_id: number;
  kind: 'self' | 'sponsor' | 'recovery';
  workstation_id: string;
  sponsor_session_id: number | null;
  sponsor_user_id: number | null;
  status: 'opened' | 'authenticated' | 'issued' | 'confirmed' | 'void';
  old_serial: string | null;
  issued_serial: string | null;
  issued_der: Buffer | null;
  issued_not_after: string | null;
  witness_exchange: string | null;
  card_proofs: Generated<number>;
  created_at: number;
  expires_at: number;
  confirmed_at: number | null;
}

interface DpopProofsTable {
  key_thumbprint: string;
  jti: string;
  expires_at: number;
}

interface RateLimitHitsTable {
  key: string;
  window_start: number;
  expires_at: number;
  hits: number;
}

interface RefusalTalliesTable {
  bucket_start: number;
  kind: string;
  count: number;
}

interface ManagementKeyExchangesTable {
  id: Id;
  exchange_hash: Buffer;
  card_uuid: string;
  challenge: Buffer;
  expires_at: number;
}

interface AssignmentBatchesTable {
  id: string;
  created_by: number;
  created_at: string;
  file_name: string;
  csv: string;
  /** The check's report as JSON (BatchReport): which rows were refused and why. */
  report: string;
  status: Generated<'checked' | 'applied'>;
  applied_at: string | null;
  result_csv: string | null;
}

interface ApplicationsTable {
  id: Id;
  /** The application ID people read out: ACI- and eight letters and digits. */
  reference: string;
  /** The sponsor's organisation (ODS code) when they applied: the position is there. */
  org_id: number;
  raised_by: number;
  raised_at: number;
  given_name: string;
  family_name: string;
  given_name_norm: string;
  family_name_norm: string;
  date_of_birth: string;
  ni_number: string;
  email: string;
  email_norm: string;
  mobile: string;
  applicant_provides_address: number;
  address_line1: string | null;
  address_line2: string | null;
  address_town: string | null;
  address_postcode: string | null;
  access_kind: 'position' | 'copy';
  position_id: number | null;
  colleague_name: string | null;
  colleague_card_number: string | null;
  notes: string;
  status: 'in-progress' | 'approved' | 'duplicate' | 'rejected' | 'cancelled' | 'done';
  status_changed_at: number;
  /** The applicant's two steps: opened (started) and finished. */
  details_started_at: number | null;
  details_confirmed_at: number | null;
  identity_started_at: number | null;
  identity_submitted_at: number | null;
  last_invited_at: number | null;
  invites_sent: number;
  /** The later of the last invite and the applicant's last action (the 3-day resend rule). */
  last_activity_at: number;
  duplicate_user_id: number | null;
  created_user_id: number | null;
  decided_by: number | null;
  decided_at: number | null;
  rejection_reason: string | null;
  cancelled_by: number | null;
  cancel_reason: string | null;
  posted_by: number | null;
  posted_at: number | null;
  /** The list a 'done' application left: 'approved', 'duplicate', 'rejected' or 'cancelled'. */
  done_from: string | null;
  done_by: number | null;
  done_at: number | null;
  batch_id: string | null;
}

interface ApplicationLinksTable {
  id: Id;
  application_id: number;
  /** 'details' (emailed: confirm details and address) or 'identity' (texted: documents and photo). */
  purpose: 'details' | 'identity';
  token_hash: Buffer;
  created_at: number;
  expires_at: number;
  opened_at: number | null;
  session_hash: Buffer | null;
  session_expires_at: number | null;
  completed_at: number | null;
  void_at: number | null;
}

interface ApplicationDocumentsTable {
  id: Id;
  application_id: number;
  kind: string;
  mime: string;
  size_bytes: number;
  /** The image, sealed with the data key (crypto/), never stored in clear. */
  sealed: Buffer;
  uploaded_at: number;
}

interface ApplySettingsTable {
  user_id: number;
  query_email: string | null;
  changed_at: number | null;
}

interface ApplyEmailConfirmationsTable {
  id: Id;
  user_id: number;
  session_id: number;
  email: string;
  binding: Buffer;
  code_mac: Buffer;
  expires_at: number;
  tries: Generated<number>;
  status: Generated<'sent' | 'confirmed' | 'void'>;
  created_at: number;
}

interface ApplicationBatchesTable {
  id: string;
  created_by: number;
  session_org_id: number;
  created_at: number;
  file_name: string;
  csv: string;
  /** The check's report as JSON (BulkCheckResponse rows). */
  report: string;
  sent_at: number | null;
}

interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface Tables {
  organisations: OrganisationsTable;
  users: UsersTable;
  positions: PositionsTable;
  position_assignments: PositionAssignmentsTable;
  cards: CardsTable;
  certificates: CertificatesTable;
  authenticators: AuthenticatorsTable;
  oidc_models: OidcModelsTable;
  oidc_clients: OidcClientsTable;
  oidc_signing_keys: OidcSigningKeysTable;
  oidc_sign_ins: OidcSignInsTable;
  backchannel_deliveries: BackchannelDeliveriesTable;
  authenticator_enrolments: AuthenticatorEnrolmentsTable;
  device_sign_in_requests: DeviceSignInRequestsTable;
  webauthn_sign_in_challenges: WebauthnSignInChallengesTable;
  oidc_sign_in_tickets: OidcSignInTicketsTable;
  position_requests: PositionRequestsTable;
  detail_change_requests: DetailChangeRequestsTable;
  workgroups: WorkgroupsTable;
  workgroup_assignments: WorkgroupAssignmentsTable;
  position_workgroups: PositionWorkgroupsTable;
  profile_status_requests: ProfileStatusRequestsTable;
  email_confirmations: EmailConfirmationsTable;
  esr_requests: EsrRequestsTable;
  login_challenges: LoginChallengesTable;
  login_tickets: LoginTicketsTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  service_secrets: ServiceSecretsTable;
  card_unlocks: CardUnlocksTable;
  outbox: OutboxTable;
  card_renewals: CardRenewalsTable;
  card_operations: CardOperationsTable;
  orphan_certificates: OrphanCertificatesTable;
  dpop_proofs: DpopProofsTable;
  rate_limit_hits: RateLimitHitsTable;
  refusal_tallies: RefusalTalliesTable;
  management_key_exchanges: ManagementKeyExchangesTable;
  schema_migrations: SchemaMigrationsTable;
  assignment_batches: AssignmentBatchesTable;
  applications: ApplicationsTable;
  application_links: ApplicationLinksTable;
  application_documents: ApplicationDocumentsTable;
  apply_settings: ApplySettingsTable;
  apply_email_confirmations: ApplyEmailConfirmationsTable;
  application_batches: ApplicationBatchesTable;
}
