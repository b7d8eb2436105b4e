import type { Ddl } from './sql-dialect.js';

// Versioned schema. Each migration runs once, in order, inside a transaction; the applied
// versions are recorded in schema_migrations. Never edit a released migration: add a new one.

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** The statements, written once for both engines: `d` fills in where their DDL differs. */
  readonly sql: (d: Ddl) => string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'directory, cards, login, audit',
    sql: (d) => `
CREATE TABLE organisations (
  id ${d.id},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_norm ${d.orderedText} NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('trust','gp-practice','pharmacy','site','directorate','other')),
  parent_id INTEGER REFERENCES organisations(id),
  -- '/1/7/42/': the ids from the root down; a subtree is every path with this prefix.
  path ${d.orderedText} NOT NULL
);
CREATE INDEX organisations_parent ON organisations(parent_id);
CREATE INDEX organisations_path ON organisations(path);
CREATE INDEX organisations_name ON organisations(name_norm);

CREATE TABLE users (
  id ${d.id},
  uuid TEXT NOT NULL UNIQUE,
  given_name TEXT NOT NULL,
  family_name TEXT NOT NULL,
  -- Lower-case, accents removed: what name searches compare against (prefix, via the index).
  family_name_norm ${d.orderedText} NOT NULL,
  given_name_norm ${d.orderedText} NOT NULL,
  ni_number TEXT UNIQUE,
  email TEXT,
  mobile TEXT,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
  home_org_id INTEGER REFERENCES organisations(id),
  created_at TEXT NOT NULL
);
CREATE INDEX users_family_given ON users(family_name_norm, given_name_norm);
CREATE INDEX users_home_org ON users(home_org_id);

CREATE TABLE positions (
  id ${d.id},
  org_id INTEGER NOT NULL REFERENCES organisations(id),
  title TEXT NOT NULL,
  job_role TEXT NOT NULL,
  -- Comma-separated RA role codes the position carries ('' for none).
  roles TEXT NOT NULL DEFAULT '',
  assignable INTEGER NOT NULL DEFAULT 1 CHECK (assignable IN (0,1)),
  closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0,1))
);
CREATE INDEX positions_org ON positions(org_id);

CREATE TABLE position_assignments (
  id ${d.id},
  user_id INTEGER NOT NULL REFERENCES users(id),
  position_id INTEGER NOT NULL REFERENCES positions(id),
  start_date TEXT NOT NULL,
  end_date TEXT,
  removed_at TEXT
);
CREATE INDEX assignments_user ON position_assignments(user_id);
CREATE INDEX assignments_position ON position_assignments(position_id);

CREATE TABLE cards (
  id ${d.id},
  uuid TEXT NOT NULL UNIQUE,
  serial ${d.bigint} NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  status TEXT NOT NULL CHECK (status IN ('active','locked','revoked','cancelled')),
  algorithm TEXT NOT NULL CHECK (algorithm IN ('rsa2048','p256')),
  -- Card secrets, sealed with the service's data key (AES-256-GCM); never returned by the API.
  puk_sealed ${d.blob},
  management_key_sealed ${d.blob},
  management_key_algorithm TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX cards_user ON cards(user_id);

CREATE TABLE certificates (
  serial TEXT PRIMARY KEY,
  card_id INTEGER NOT NULL REFERENCES cards(id),
  der ${d.blob},
  not_before TEXT NOT NULL,
  not_after TEXT NOT NULL,
  revoked_at TEXT,
  revocation_reason TEXT
);
CREATE INDEX certificates_card ON certificates(card_id);

CREATE TABLE authenticators (
  id ${d.id},
  user_id INTEGER NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  removed_at TEXT
);
CREATE INDEX authenticators_user ON authenticators(user_id);

CREATE TABLE position_requests (
  id ${d.id},
  user_id INTEGER NOT NULL REFERENCES users(id),
  position_id INTEGER NOT NULL REFERENCES positions(id),
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','granted','rejected')),
  requested_by INTEGER NOT NULL REFERENCES users(id),
  requested_at TEXT NOT NULL,
  decided_by INTEGER REFERENCES users(id),
  decided_at TEXT,
  reason TEXT
);
CREATE INDEX position_requests_status ON position_requests(status, position_id);

CREATE TABLE detail_change_requests (
  id ${d.id},
  user_id INTEGER NOT NULL REFERENCES users(id),
  changes TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','accepted','rejected')),
  requested_by INTEGER NOT NULL REFERENCES users(id),
  requested_at TEXT NOT NULL,
  decided_by INTEGER REFERENCES users(id),
  decided_at TEXT
);

CREATE TABLE login_challenges (
  nonce TEXT PRIMARY KEY,
  workstation_id TEXT NOT NULL,
  expires_at ${d.bigint} NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE login_tickets (
  ticket_hash ${d.blob} PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  card_id INTEGER NOT NULL REFERENCES cards(id),
  workstation_id TEXT NOT NULL,
  expires_at ${d.bigint} NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
  id ${d.id},
  token_hash ${d.blob} NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  card_id INTEGER NOT NULL REFERENCES cards(id),
  position_id INTEGER NOT NULL REFERENCES positions(id),
  workstation_id TEXT NOT NULL,
  created_at ${d.bigint} NOT NULL,
  expires_at ${d.bigint} NOT NULL,
  ended_at ${d.bigint},
  end_reason TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_card ON sessions(card_id);

CREATE TABLE audit_log (
  seq ${d.bigint} PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT,
  action TEXT NOT NULL,
  subject TEXT,
  workstation_id TEXT,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
-- Append-only: the log can be added to, never changed.
${d.appendOnly('audit_log', 'audit log is append-only')}

CREATE TABLE service_secrets (
  name TEXT PRIMARY KEY,
  value ${d.blob} NOT NULL
);
`,
  },
  {
    // Numbered 10 so it cannot collide with other migrations being written at the same time.
    // Each index is replaced by one with the same leading columns plus the columns the user
    // search reads, so it never touches a table row until it has its answer
    // (src-service/cim/find-users.ts). Every query the old index served, the new one serves.
    version: 10,
    name: 'search indexes',
    sql: () => `
DROP INDEX users_family_given;
CREATE INDEX users_family_given_home ON users(family_name_norm, given_name_norm, home_org_id);
DROP INDEX users_home_org;
CREATE INDEX users_home_org_name ON users(home_org_id, family_name_norm, given_name_norm);
DROP INDEX assignments_user;
CREATE INDEX assignments_user_active ON position_assignments(user_id, removed_at, end_date, position_id);
DROP INDEX assignments_position;
CREATE INDEX assignments_position_active ON position_assignments(position_id, removed_at, end_date, user_id);
`,
  },
  {
    // Spent and expired login challenges and tickets are swept by expiry every few seconds
    // (src-service/auth/login-challenge.ts); at a thousand logins a second these tables hold
    // a few hundred thousand rows, so a sweep must find its rows without scanning the table.
    version: 20,
    name: 'ca and login',
    sql: () => `
CREATE INDEX login_challenges_expiry ON login_challenges(expires_at);
CREATE INDEX login_tickets_expiry ON login_tickets(expires_at);
`,
  },
  {
    // Smartcard unlocking (src-service/unlock/) and the outbox (src-service/notify/).
    // cards.puk_pending_sealed holds the PUK an unlock has released to go on the card until the
    // agent confirms it is there (two-phase rotation). card_unlocks keeps only the SHA-256 of the
    // unlock id handed out and an HMAC of the security code, never either in clear. Times are
    // epoch milliseconds, like sessions.
    version: 30,
    name: 'smartcard unlocking and outbox',
    sql: (d) => `
ALTER TABLE cards ADD COLUMN puk_pending_sealed ${d.blob};

CREATE TABLE card_unlocks (
  id ${d.id},
  unlock_hash ${d.blob} NOT NULL UNIQUE,
  card_id INTEGER NOT NULL REFERENCES cards(id),
  kind TEXT NOT NULL CHECK (kind IN ('self','sponsor')),
  workstation_id TEXT NOT NULL,
  sponsor_session_id INTEGER REFERENCES sessions(id),
  sponsor_user_id INTEGER REFERENCES users(id),
  channel TEXT CHECK (channel IN ('email','sms')),
  code_mac ${d.blob},
  code_expires_at ${d.bigint},
  code_tries INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL CHECK (status IN ('code-sent','ready','released','committed','void')),
  -- When the card-witness step stops being possible: set when the unlock becomes ready.
  expires_at ${d.bigint},
  created_at ${d.bigint} NOT NULL,
  released_at ${d.bigint},
  committed_at ${d.bigint}
);
CREATE INDEX card_unlocks_card ON card_unlocks(card_id, created_at);

CREATE TABLE outbox (
  id ${d.id},
  channel TEXT NOT NULL CHECK (channel IN ('email','sms')),
  recipient TEXT NOT NULL,
  subject TEXT,
  body TEXT NOT NULL,
  created_at ${d.bigint} NOT NULL
);
`,
  },
  {
    // Unlock hardening (src-service/unlock/). card_unlocks: the one management-key exchange a
    // card-witness step may have outstanding for the unlock (its id, so the release must present
    // that one); how many times the unlock released the PUKs (a release whose answer was lost may
    // be repeated after a fresh card proof, a few times); when the agent said the card already
    // held the pending PUK (made current before the passcode was reset). cards: until when
    // self-service unlock of the card is refused after too many wrong security codes.
    version: 35,
    name: 'unlock hardening',
    sql: (d) => `
ALTER TABLE card_unlocks ADD COLUMN witness_exchange TEXT;
ALTER TABLE card_unlocks ADD COLUMN releases INTEGER NOT NULL DEFAULT 0;
ALTER TABLE card_unlocks ADD COLUMN puk_reconciled_at ${d.bigint};
ALTER TABLE cards ADD COLUMN self_unlock_barred_until ${d.bigint};
`,
  },
  {
    // Certificate renewal (src-service/renewal/). Like card_unlocks, only the SHA-256 of the
    // renewal id handed out is kept. A certificate issued in a renewal stays in the renewal row
    // (issued_*) until the agent says it is on the card, or a login with it rolls the renewal
    // forward; only then does it enter certificates and the old one get revoked. Times are epoch
    // milliseconds, like sessions; issued_not_after is ISO text, like certificates.not_after.
    version: 40,
    name: 'certificate renewal',
    sql: (d) => `
CREATE TABLE card_renewals (
  id ${d.id},
  renewal_hash ${d.blob} NOT NULL UNIQUE,
  card_id INTEGER NOT NULL REFERENCES cards(id),
  kind TEXT NOT NULL CHECK (kind IN ('self','sponsor','recovery')),
  workstation_id TEXT NOT NULL,
  sponsor_session_id INTEGER REFERENCES sessions(id),
  sponsor_user_id INTEGER REFERENCES users(id),
  status TEXT NOT NULL CHECK (status IN ('opened','authenticated','issued','confirmed','void')),
  old_serial TEXT,
  issued_serial TEXT,
  issued_der ${d.blob},
  issued_not_after TEXT,
  -- The one management-key exchange the card-witness step has outstanding (authenticate must
  -- present it), and how many card proofs the renewal has been given (a few at most).
  witness_exchange TEXT,
  card_proofs INTEGER NOT NULL DEFAULT 0,
  created_at ${d.bigint} NOT NULL,
  -- After this the card steps are refused (the confirmation is not: see renewal-confirmation.ts).
  expires_at ${d.bigint} NOT NULL,
  confirmed_at ${d.bigint}
);
CREATE INDEX card_renewals_card_status ON card_renewals(card_id, status);
-- A login whose certificate is not in certificates looks here (a renewal to roll forward).
CREATE INDEX card_renewals_issued_serial ON card_renewals(issued_serial) WHERE issued_serial IS NOT NULL;
`,
  },
  {
    // PIV key attestation (src-service/renewal/attestation.ts). The public key (SubjectPublicKeyInfo,
    // DER) of the attestation key (Yubico slot F9) the card factory gave the card: a renewal's new
    // key must come with a certificate from it saying the card made the key. NULL for cards made
    // before this and for cards enrolled elsewhere.
    version: 45,
    name: 'card attestation key',
    sql: (d) => `
ALTER TABLE cards ADD COLUMN attestation_key ${d.blob};
`,
  },
  {
    // Contact changes approved by the card (src-service/cim/change-own-contact.ts). A challenge
    // now says what it is for: a login (any workstation's, no session) or a contact change (one
    // session's). users: when the email and the mobile last changed (epoch milliseconds), so a
    // contact changed in the last 24 hours is not sent self-service unlock codes.
    version: 50,
    name: 'contact change approval',
    sql: (d) => `
ALTER TABLE login_challenges ADD COLUMN purpose TEXT NOT NULL DEFAULT 'login' CHECK (purpose IN ('login','contact-change'));
ALTER TABLE login_challenges ADD COLUMN session_id INTEGER;
ALTER TABLE users ADD COLUMN email_changed_at ${d.bigint};
ALTER TABLE users ADD COLUMN mobile_changed_at ${d.bigint};
`,
  },
  {
    // Sessions bound to the agent's workstation key (DPoP, RFC 9449, src-service/auth/dpop-proof.ts):
    // the key's RFC 7638 thumbprint, and the ids of the proofs already used (per key, kept until
    // the proof would be too old anyway), in the database so that every service instance sharing
    // it refuses a replay. Sessions opened before this have no key and no longer work.
    version: 55,
    name: 'sessions bound to a workstation key',
    sql: (d) => `
ALTER TABLE sessions ADD COLUMN key_thumbprint TEXT;

CREATE TABLE dpop_proofs (
  key_thumbprint TEXT NOT NULL,
  jti TEXT NOT NULL,
  expires_at ${d.bigint} NOT NULL,
  PRIMARY KEY (key_thumbprint, jti)
)${d.withoutRowid};
CREATE INDEX dpop_proofs_expiry ON dpop_proofs(expires_at);
`,
  },
  {
    // Requests without a session are counted per key (a client address, or all clients) in
    // fixed windows, here rather than in memory so every service instance on this database
    // shares the count (src-service/http/rate-limit-store.ts); rows go once their window ends.
    // Refusals that prove nothing about who sent them (a bad signature, an unknown nonce, a
    // request over the limit) are counted per kind per bucket and reach the audit log as one
    // summary entry per kind and bucket (src-service/audit/refusal-tally.ts).
    version: 60,
    name: 'request limits and refusal tallies',
    sql: (d) => `
CREATE TABLE rate_limit_hits (
  key TEXT NOT NULL,
  window_start ${d.bigint} NOT NULL,
  expires_at ${d.bigint} NOT NULL,
  hits INTEGER NOT NULL,
  PRIMARY KEY (key, window_start)
)${d.withoutRowid};
CREATE INDEX rate_limit_hits_expiry ON rate_limit_hits(expires_at);

CREATE TABLE refusal_tallies (
  bucket_start ${d.bigint} NOT NULL,
  kind TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (bucket_start, kind)
)${d.withoutRowid};
`,
  },
  {
    // Management-key exchanges (src-service/crypto/management-key-exchanges.ts) between their two
    // steps: in the database, so that step 2 may reach another service instance than step 1. The
    // exchange id is kept as its SHA-256; the challenge is no secret (answering it needs the
    // card's key). Rows live 30 seconds and are deleted when used.
    version: 65,
    name: 'management-key exchanges in the database',
    sql: (d) => `
CREATE TABLE management_key_exchanges (
  id ${d.id},
  exchange_hash ${d.blob} NOT NULL UNIQUE,
  card_uuid TEXT NOT NULL,
  challenge ${d.blob} NOT NULL,
  expires_at ${d.bigint} NOT NULL
);
CREATE INDEX management_key_exchanges_expiry ON management_key_exchanges(expires_at);
`,
  },
  {
    // The user search on both engines (src-service/cim/find-users.ts). Each name index ends with
    // the user id, so a walk in the search's order (family name, given name, id) needs no sort,
    // and a candidate's id comes from the index: PostgreSQL answers from the index alone (its
    // indexes, unlike SQLite's, do not carry the row id by themselves). A search by given and
    // family name walks the given names first (far fewer distinct values). Every query the old
    // indexes served, the new ones serve.
    version: 70,
    name: 'user search on both engines',
    sql: () => `
DROP INDEX users_family_given_home;
CREATE INDEX users_name_search ON users(family_name_norm, given_name_norm, id, home_org_id);
DROP INDEX users_home_org_name;
CREATE INDEX users_home_org_search ON users(home_org_id, family_name_norm, given_name_norm, id);
CREATE INDEX users_given_search ON users(given_name_norm, family_name_norm, id, home_org_id);
`,
  },
  {
    // Workgroups (src-service/cim/workgroups*.ts): named groups of people at an organisation,
    // assigned to users for a period and carried by positions. Closing one keeps its history.
    // Close and reopen requests (src-service/cim/profile-status*.ts): a sponsor may only ask RA
    // staff to close or reopen a profile; the request waits in Requests until accepted or rejected.
    version: 75,
    name: 'workgroups and profile close or reopen requests',
    sql: (d) => `
CREATE TABLE workgroups (
  id ${d.id},
  org_id INTEGER NOT NULL REFERENCES organisations(id),
  name TEXT NOT NULL,
  name_norm TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by INTEGER NOT NULL REFERENCES users(id),
  closed_at TEXT,
  closed_by INTEGER REFERENCES users(id)
);
CREATE INDEX workgroups_org_name ON workgroups(org_id, name_norm);

CREATE TABLE workgroup_assignments (
  id ${d.id},
  workgroup_id INTEGER NOT NULL REFERENCES workgroups(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  start_date TEXT NOT NULL,
  end_date TEXT,
  assigned_by INTEGER NOT NULL REFERENCES users(id),
  assigned_at TEXT NOT NULL,
  removed_at TEXT,
  removed_by INTEGER REFERENCES users(id)
);
CREATE INDEX workgroup_assignments_user ON workgroup_assignments(user_id, workgroup_id);
CREATE INDEX workgroup_assignments_workgroup ON workgroup_assignments(workgroup_id, user_id);

CREATE TABLE position_workgroups (
  position_id INTEGER NOT NULL REFERENCES positions(id),
  workgroup_id INTEGER NOT NULL REFERENCES workgroups(id),
  PRIMARY KEY (position_id, workgroup_id)
)${d.withoutRowid};
CREATE INDEX position_workgroups_workgroup ON position_workgroups(workgroup_id);

CREATE TABLE profile_status_requests (
  id ${d.id},
  user_id INTEGER NOT NULL REFERENCES users(id),
  action TEXT NOT NULL CHECK (action IN ('close', 'reopen')),
  reason TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
  requested_by INTEGER NOT NULL REFERENCES users(id),
  requested_at TEXT NOT NULL,
  decided_by INTEGER REFERENCES users(id),
  decided_at TEXT,
  decision_reason TEXT
);
CREATE INDEX profile_status_requests_pending ON profile_status_requests(status, requested_at);
CREATE INDEX profile_status_requests_user ON profile_status_requests(user_id);
`,
  },
  {
    // The Position Request List is read a page at a time, oldest first (cim/position-requests.ts).
    version: 90,
    name: 'position request list in request order',
    sql: () => `CREATE INDEX position_requests_queue ON position_requests(status, requested_at, id);`,
  },
  {
    version: 80,
    // A profile's History tab reads the audit entries about one user, newest first.
    // A new email address of one's own takes effect only once a code sent to it is entered
    // (src-service/cim/contact-email-code.ts): the code itself is never kept, only an HMAC of it
    // bound to the row's random binding, as for unlock codes.
    name: 'audit log by subject; email address confirmations',
    sql: (d) => `
CREATE INDEX audit_log_subject ON audit_log(subject, seq);

CREATE TABLE email_confirmations (
  id ${d.id},
  user_id INTEGER NOT NULL REFERENCES users(id),
  session_id INTEGER NOT NULL REFERENCES sessions(id),
  email TEXT NOT NULL,
  binding ${d.blob} NOT NULL,
  code_mac ${d.blob} NOT NULL,
  expires_at ${d.bigint} NOT NULL,
  tries INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'confirmed', 'void')),
  created_at ${d.bigint} NOT NULL
);
CREATE INDEX email_confirmations_user ON email_confirmations(user_id, status);
`,
  },
  {
    // Date of birth (src-service/cim/create-user.ts): with the NI number it tells whether a new
    // profile would repeat an existing person's. Older profiles have none recorded.
    version: 85,
    name: 'user date of birth',
    sql: () => `
ALTER TABLE users ADD COLUMN date_of_birth TEXT;
CREATE INDEX users_ni_number_birth ON users(ni_number, date_of_birth);
`,
  },
  {
    // Batch position management (src-service/cim/batch-*.ts): a checked CSV file waits here
    // until its author applies it; the report says which rows were refused, and the result
    // (each row with its outcome) is kept for download.
    version: 100,
    name: 'assignment batches',
    sql: () => `
CREATE TABLE assignment_batches (
  id TEXT PRIMARY KEY,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  file_name TEXT NOT NULL,
  csv TEXT NOT NULL,
  report TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'checked' CHECK (status IN ('checked', 'applied')),
  applied_at TEXT,
  result_csv TEXT
);
CREATE INDEX assignment_batches_creator ON assignment_batches(created_by, created_at);
`,
  },
  {
    // ESR (the NHS workforce system) create-user and modify-user requests (src-service/cim/
    // requests-esr*.ts), each stored once under its ESR id, pending until RA staff accept or
    // reject it; ni_number is a create's, to show an existing profile with it. And the reason a
    // sponsor's detail-change request was rejected.
    version: 105,
    name: 'ESR requests and detail-change rejection reasons',
    sql: (d) => `
CREATE TABLE esr_requests (
  id ${d.id},
  esr_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('create', 'modify')),
  org_id INTEGER REFERENCES organisations(id),
  user_id INTEGER REFERENCES users(id),
  ni_number TEXT,
  record TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
  imported_at TEXT NOT NULL,
  imported_by INTEGER REFERENCES users(id),
  decided_by INTEGER REFERENCES users(id),
  decided_at TEXT,
  decision_reason TEXT
);
CREATE INDEX esr_requests_pending ON esr_requests(status, imported_at);
CREATE INDEX esr_requests_ni ON esr_requests(ni_number);
ALTER TABLE detail_change_requests ADD COLUMN decision_reason TEXT;
`,
  },
  {
    // Reports (src-service/cim/reports-*.ts): "smartcards expiring within N days" starts from the
    // certificates expiring in the window, and "locked smartcards" from the locked cards, rather
    // than reading every card of the directory.
    version: 110,
    name: 'report indexes',
    sql: () => `
CREATE INDEX certificates_live_expiry ON certificates(not_after, card_id) WHERE revoked_at IS NULL;
CREATE INDEX cards_status ON cards(status, user_id);
`,
  },
  {
    // The smartcard lifecycle (src-service/cards/): issue, repair and clear are card operations
    // journaled here, step by step, so a card pulled at any moment is finished or put back to blank
    // at the next attempt. An issue keeps the new card's secrets sealed here (PUK, management key)
    // until it is confirmed and the card is registered. A cleared card keeps its row (its history)
    // as status 'revoked' with cleared_at set: unregistered, its serial free to be issued again.
    version: 115,
    name: 'card operations and cleared cards',
    sql: (d) => `
CREATE TABLE card_operations (
  id ${d.id},
  operation_hash ${d.blob} NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('issue','repair','clear')),
  status TEXT NOT NULL CHECK (status IN ('opened','authenticated','issued','personalised','done','void')),
  -- The card as read at opening: its serial (null when it has none).
  card_serial ${d.bigint},
  -- Issue: the new card's UUID (its row in cards is made at confirmation). Repair, clear: the card's.
  card_uuid TEXT NOT NULL,
  card_id INTEGER REFERENCES cards(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  algorithm TEXT CHECK (algorithm IN ('rsa2048','p256')),
  actor_user_id INTEGER NOT NULL REFERENCES users(id),
  actor_session_id INTEGER NOT NULL REFERENCES sessions(id),
  workstation_id TEXT NOT NULL,
  -- Issue: the new card's secrets, sealed with the service's data key under card_uuid.
  puk_sealed ${d.blob},
  management_key_sealed ${d.blob},
  attestation_key ${d.blob},
  issued_serial TEXT,
  issued_der ${d.blob},
  issued_not_after TEXT,
  witness_exchange TEXT,
  card_proofs INTEGER NOT NULL DEFAULT 0,
  outcome TEXT,
  created_at ${d.bigint} NOT NULL,
  expires_at ${d.bigint} NOT NULL,
  finished_at ${d.bigint}
);
CREATE INDEX card_operations_serial ON card_operations(card_serial, status);
CREATE INDEX card_operations_card_uuid ON card_operations(card_uuid, status);
CREATE INDEX card_operations_issued_serial ON card_operations(issued_serial) WHERE issued_serial IS NOT NULL;
-- Certificates the CA issued in a card operation that never finished (voided, or replaced by a
-- later request in the same issue): never live, revoked all the same, so the revocation list
-- names every certificate the CA signed that no card should use.
CREATE TABLE orphan_certificates (
  serial TEXT PRIMARY KEY,
  operation_id INTEGER NOT NULL REFERENCES card_operations(id),
  not_after TEXT NOT NULL,
  revoked_at TEXT NOT NULL,
  revocation_reason TEXT NOT NULL
);
ALTER TABLE cards ADD COLUMN cleared_at TEXT;
CREATE INDEX cards_serial ON cards(serial);
`,
  },
  {
    // Sign-in for other apps (src-service/oidc/) and authenticators other than the smartcard.
    // oidc_models holds the provider library's state (sessions, interactions, codes, tokens,
    // grants) as JSON, one row per model instance. oidc_sign_ins records which apps each provider
    // session signed in to and, for a smartcard sign-in, through which workstation session: ending
    // that session (card removed, log out, expiry, card cancelled, profile closed) tells every app
    // through backchannel_deliveries, retried until the app answers.
    version: 120,
    name: 'sign-in for other apps, authenticators',
    sql: (d) => `
CREATE TABLE oidc_models (
  model TEXT NOT NULL,
  id TEXT NOT NULL,
  payload TEXT NOT NULL,
  grant_id TEXT,
  user_code TEXT,
  uid TEXT,
  expires_at ${d.bigint},
  consumed_at ${d.bigint},
  PRIMARY KEY (model, id)
);
CREATE INDEX oidc_models_grant ON oidc_models(grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oidc_models_uid ON oidc_models(uid) WHERE uid IS NOT NULL;
CREATE INDEX oidc_models_expiry ON oidc_models(expires_at) WHERE expires_at IS NOT NULL;
-- Relying parties added with \`oidc-client add\`; those in the configuration are read at start.
-- metadata is the client's JSON with any client_secret sealed by the data key.
CREATE TABLE oidc_clients (
  client_id TEXT PRIMARY KEY,
  metadata TEXT NOT NULL,
  created_at TEXT NOT NULL
);
-- The provider's signing keys (JWKS): private JWK sealed by the data key; a retired key is still
-- published until tokens signed with it have expired.
CREATE TABLE oidc_signing_keys (
  kid TEXT PRIMARY KEY,
  alg TEXT NOT NULL,
  private_jwk_sealed ${d.blob} NOT NULL,
  created_at ${d.bigint} NOT NULL,
  retired_at ${d.bigint}
);
CREATE TABLE oidc_sign_ins (
  id ${d.id},
  oidc_session_uid TEXT NOT NULL,
  sid TEXT NOT NULL,
  client_id TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  agent_session_id INTEGER REFERENCES sessions(id),
  authenticator_id INTEGER REFERENCES authenticators(id),
  acr TEXT NOT NULL,
  amr TEXT NOT NULL,
  signed_in_at ${d.bigint} NOT NULL,
  ended_at ${d.bigint},
  end_reason TEXT
);
CREATE INDEX oidc_sign_ins_agent_session ON oidc_sign_ins(agent_session_id) WHERE ended_at IS NULL;
CREATE INDEX oidc_sign_ins_user ON oidc_sign_ins(user_id) WHERE ended_at IS NULL;
CREATE INDEX oidc_sign_ins_session ON oidc_sign_ins(oidc_session_uid) WHERE ended_at IS NULL;
CREATE TABLE backchannel_deliveries (
  id ${d.id},
  sign_in_id INTEGER NOT NULL REFERENCES oidc_sign_ins(id),
  client_id TEXT NOT NULL,
  uri TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at ${d.bigint} NOT NULL,
  delivered_at ${d.bigint},
  given_up_at ${d.bigint},
  last_error TEXT,
  created_at ${d.bigint} NOT NULL
);
CREATE INDEX backchannel_pending ON backchannel_deliveries(next_attempt_at) WHERE delivered_at IS NULL AND given_up_at IS NULL;
-- Authenticators other than the smartcard: a WebAuthn credential (security key, passkey, Windows
-- Hello), an iPad's device-bound key, a time-based code secret (sealed), a federated subject.
ALTER TABLE authenticators ADD COLUMN uuid TEXT;
ALTER TABLE authenticators ADD COLUMN aal INTEGER;
ALTER TABLE authenticators ADD COLUMN credential_id TEXT;
ALTER TABLE authenticators ADD COLUMN public_key ${d.blob};
ALTER TABLE authenticators ADD COLUMN sign_count ${d.bigint};
ALTER TABLE authenticators ADD COLUMN secret_sealed ${d.blob};
ALTER TABLE authenticators ADD COLUMN subject TEXT;
ALTER TABLE authenticators ADD COLUMN details TEXT;
ALTER TABLE authenticators ADD COLUMN issued_by INTEGER REFERENCES users(id);
ALTER TABLE authenticators ADD COLUMN last_used_at TEXT;
ALTER TABLE authenticators ADD COLUMN removed_by INTEGER REFERENCES users(id);
CREATE UNIQUE INDEX authenticators_uuid ON authenticators(uuid) WHERE uuid IS NOT NULL;
CREATE UNIQUE INDEX authenticators_credential ON authenticators(credential_id) WHERE credential_id IS NOT NULL AND removed_at IS NULL;
CREATE UNIQUE INDEX authenticators_subject ON authenticators(subject) WHERE subject IS NOT NULL AND removed_at IS NULL;
-- One-time links and ceremonies that add an authenticator (iPad QR code, WebAuthn registration
-- page, authenticator app set-up, federated link): only the token's SHA-256 is kept.
CREATE TABLE authenticator_enrolments (
  id ${d.id},
  token_hash ${d.blob} NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created_by INTEGER NOT NULL REFERENCES users(id),
  challenge TEXT,
  state_sealed ${d.blob},
  created_at ${d.bigint} NOT NULL,
  expires_at ${d.bigint} NOT NULL,
  used_at ${d.bigint},
  authenticator_id INTEGER REFERENCES authenticators(id)
);
CREATE INDEX authenticator_enrolments_user ON authenticator_enrolments(user_id, kind);
`,
  },
  {
    version: 125,
    name: 'smartcard sign-in tickets',
    // One per sign-in page shown: the page's script hands it to the local Identity Agent, which
    // redeems it once with its session. Only the ticket's SHA-256 is kept.
    sql: (d) => `
CREATE TABLE oidc_sign_in_tickets (
  id ${d.id},
  ticket_hash ${d.blob} NOT NULL UNIQUE,
  uid TEXT NOT NULL,
  created_at ${d.bigint} NOT NULL,
  expires_at ${d.bigint} NOT NULL,
  used_at ${d.bigint},
  session_id INTEGER REFERENCES sessions(id)
);
CREATE INDEX oidc_sign_in_tickets_expiry ON oidc_sign_in_tickets(expires_at);
`,
  },
  {
    // A WebAuthn sign-in's challenge, minted when the sign-in page is shown for an interaction
    // (the page is shown only to the browser holding that interaction's cookie) and answered once.
    version: 130,
    name: 'webauthn sign-in challenges',
    sql: (d) => `
CREATE TABLE webauthn_sign_in_challenges (
  id ${d.id},
  uid TEXT NOT NULL,
  challenge TEXT NOT NULL UNIQUE,
  created_at ${d.bigint} NOT NULL,
  expires_at ${d.bigint} NOT NULL,
  used_at ${d.bigint}
);
CREATE INDEX webauthn_sign_in_challenges_expiry ON webauthn_sign_in_challenges(expires_at);
`,
  },
  {
    // Device sign-ins (iPad app): a sign-in page shows a one-time link for its interaction; the
    // device signs the challenge with its bound key and the page, polling with its own secret,
    // finishes the sign-in. The user is only known once the device has signed.
    version: 135,
    name: 'device sign-in requests',
    sql: (d) => `
CREATE TABLE device_sign_in_requests (
  id ${d.id},
  token_hash ${d.blob} NOT NULL UNIQUE,
  poll_hash ${d.blob} NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  interaction_uid TEXT NOT NULL,
  client_name TEXT NOT NULL,
  challenge TEXT NOT NULL,
  created_at ${d.bigint} NOT NULL,
  expires_at ${d.bigint} NOT NULL,
  user_id INTEGER REFERENCES users(id),
  authenticator_id INTEGER REFERENCES authenticators(id),
  signed_at ${d.bigint},
  finished_at ${d.bigint}
);
CREATE INDEX device_sign_in_requests_uid ON device_sign_in_requests(interaction_uid);
`,
  },
  {
    // Apply for Care ID: a sponsor's application for a new member of staff, the applicant's
    // one-time links (only their SHA-256 kept; opening one trades it for a browser session, kept
    // the same way), the identity documents (sealed with the data key, deleted when the
    // application closes), the sponsor's address for applicants' queries and its 6-digit code,
    // and checked bulk invitation files.
    version: 140,
    name: 'apply for care id',
    sql: (d) => `
CREATE TABLE applications (
  id ${d.id},
  reference TEXT NOT NULL UNIQUE,
  org_id INTEGER NOT NULL REFERENCES organisations(id),
  raised_by INTEGER NOT NULL REFERENCES users(id),
  raised_at ${d.bigint} NOT NULL,
  given_name TEXT NOT NULL,
  family_name TEXT NOT NULL,
  given_name_norm TEXT NOT NULL,
  family_name_norm TEXT NOT NULL,
  date_of_birth TEXT NOT NULL,
  ni_number TEXT NOT NULL,
  email TEXT NOT NULL,
  email_norm TEXT NOT NULL,
  mobile TEXT NOT NULL,
  applicant_provides_address INTEGER NOT NULL,
  address_line1 TEXT,
  address_line2 TEXT,
  address_town TEXT,
  address_postcode TEXT,
  access_kind TEXT NOT NULL,
  position_id INTEGER REFERENCES positions(id),
  colleague_name TEXT,
  colleague_card_number TEXT,
  notes TEXT NOT NULL,
  status TEXT NOT NULL,
  status_changed_at ${d.bigint} NOT NULL,
  details_started_at ${d.bigint},
  details_confirmed_at ${d.bigint},
  identity_started_at ${d.bigint},
  identity_submitted_at ${d.bigint},
  last_invited_at ${d.bigint},
  invites_sent INTEGER NOT NULL,
  last_activity_at ${d.bigint} NOT NULL,
  duplicate_user_id INTEGER REFERENCES users(id),
  created_user_id INTEGER REFERENCES users(id),
  decided_by INTEGER REFERENCES users(id),
  decided_at ${d.bigint},
  rejection_reason TEXT,
  cancelled_by INTEGER REFERENCES users(id),
  cancel_reason TEXT,
  posted_by INTEGER REFERENCES users(id),
  posted_at ${d.bigint},
  done_from TEXT,
  done_by INTEGER REFERENCES users(id),
  done_at ${d.bigint},
  batch_id TEXT
);
CREATE INDEX applications_org_status ON applications(org_id, status, last_activity_at);
CREATE INDEX applications_raised_by ON applications(raised_by, status, last_activity_at);
CREATE INDEX applications_person ON applications(ni_number, date_of_birth);
CREATE INDEX applications_family_name ON applications(family_name_norm);
CREATE INDEX applications_email ON applications(email_norm);
CREATE TABLE application_links (
  id ${d.id},
  application_id INTEGER NOT NULL REFERENCES applications(id),
  purpose TEXT NOT NULL,
  token_hash ${d.blob} NOT NULL UNIQUE,
  created_at ${d.bigint} NOT NULL,
  expires_at ${d.bigint} NOT NULL,
  opened_at ${d.bigint},
  session_hash ${d.blob} UNIQUE,
  session_expires_at ${d.bigint},
  completed_at ${d.bigint},
  void_at ${d.bigint}
);
CREATE INDEX application_links_application ON application_links(application_id, purpose);
CREATE TABLE application_documents (
  id ${d.id},
  application_id INTEGER NOT NULL REFERENCES applications(id),
  kind TEXT NOT NULL,
  mime TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sealed ${d.blob} NOT NULL,
  uploaded_at ${d.bigint} NOT NULL
);
CREATE INDEX application_documents_application ON application_documents(application_id);
CREATE TABLE apply_settings (
  user_id INTEGER PRIMARY KEY REFERENCES users(id),
  query_email TEXT,
  changed_at ${d.bigint}
);
CREATE TABLE apply_email_confirmations (
  id ${d.id},
  user_id INTEGER NOT NULL REFERENCES users(id),
  session_id INTEGER NOT NULL REFERENCES sessions(id),
  email TEXT NOT NULL,
  binding ${d.blob} NOT NULL,
  code_mac ${d.blob} NOT NULL,
  expires_at ${d.bigint} NOT NULL,
  tries INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'sent',
  created_at ${d.bigint} NOT NULL
);
CREATE INDEX apply_email_confirmations_user ON apply_email_confirmations(user_id, status);
CREATE TABLE application_batches (
  id TEXT PRIMARY KEY,
  created_by INTEGER NOT NULL REFERENCES users(id),
  session_org_id INTEGER NOT NULL REFERENCES organisations(id),
  created_at ${d.bigint} NOT NULL,
  file_name TEXT NOT NULL,
  csv TEXT NOT NULL,
  report TEXT NOT NULL,
  sent_at ${d.bigint}
);
`,
  },
];
