import { ACR } from '../../../src-shared/api/oidc.js';
import { startClinicalApp, type ClinicalApp } from './clinical-app.js';

// The relying parties training ships: one clinical app that takes a high or very high
// assurance sign-in, and one prescribing app that takes only very high (a smartcard), so a
// trainee sees both single sign-on and an app refusing a weaker authenticator.

const TRAINING_CLINICAL_APPS = [
  { clientId: 'training-clinical-app', name: 'Training clinical app', acr: ACR.aal2OrAal3 },
  { clientId: 'training-prescribing-app', name: 'Training prescribing app', acr: ACR.aal3 },
] as const;

// `care`: the organisation and position the session acts for (src-service/oidc/oidc-claims.ts).
export const CLINICAL_APP_SCOPES = ['profile', 'care'] as const;

export interface TrainingClinicalApps {
  readonly apps: readonly ClinicalApp[];
  close(): Promise<void>;
}

export async function startTrainingClinicalApps(): Promise<TrainingClinicalApps> {
  const apps: ClinicalApp[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  };
  try {
    for (const app of TRAINING_CLINICAL_APPS) apps.push(await startClinicalApp({ ...app, scopes: CLINICAL_APP_SCOPES }));
  } catch (err) {
    await close();
    throw err;
  }
  return { apps: [...apps], close };
}
