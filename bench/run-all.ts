import { benchApduRoundTrip } from './apdu-round-trip.js';
import { benchSignFlow } from './sign-flow.js';

// `npm run bench`: every benchmark, one after another (they share the vpcd readers).
await benchApduRoundTrip();
await benchSignFlow();
process.exit(0);
