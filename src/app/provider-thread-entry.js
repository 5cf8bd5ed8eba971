// Worker-thread entry: TypeScript loads through tsx here too (a worker does not inherit the main
// thread's loader hooks), then the provider role starts (src/provider/thread.ts).
import { register } from 'tsx/esm/api';

register();
await import('./provider-thread.ts');
