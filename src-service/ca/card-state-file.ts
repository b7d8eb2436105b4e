// The card factory writes state files with the shared atomic writer (src-shared), the same one
// the virtual card saves itself with.
export { writeVirtualCardStateFile as writeCardStateFile } from '../../src-shared/card/virtual-card-state-file.js';
