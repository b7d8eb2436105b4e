import { benchApduRoundTrip } from './apdu-round-trip.js';
import { benchBackchannelLatency } from './backchannel-latency.js';
import { benchSignFlow } from './sign-flow.js';

// `npm run bench`: every benchmark, one after another (they share the vpcd readers).
await benchApduRoundTrip();
await benchSignFlow();
await benchBackchannelLatency([]);
process.exit(0);
