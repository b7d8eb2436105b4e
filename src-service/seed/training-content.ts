import type { Db } from '../store/database.js';
import { seedTrainingDirectory } from './training-directory.js';
import { seedTrainingPositions } from './training-positions.js';
import { seedTrainingReports } from './training-reports.js';
import { seedTrainingRequests } from './training-requests.js';
import { seedTrainingUsers } from './training-users.js';
import { seedTrainingWorkgroups } from './training-workgroups.js';
import { seedTrainingAuthenticators } from './training-authenticators.js';
import { seedTrainingApplications } from './training-apply.js';

// What training mode puts in the directory beyond the personas, so every CIM page has something
// to show a trainee. Each step writes once and finds its rows on later starts. Order matters:
// the reports' staff hold the positions the training positions step made, not copies of them.

export async function seedTrainingContent(db: Db, now: Date): Promise<void> {
  await seedTrainingWorkgroups(db, now);
  await seedTrainingUsers(db);
  await seedTrainingDirectory(db);
  await seedTrainingRequests(db);
  await seedTrainingPositions(db, now);
  await seedTrainingReports(db);
  await seedTrainingAuthenticators(db, now);
  await seedTrainingApplications(db, now);
}
