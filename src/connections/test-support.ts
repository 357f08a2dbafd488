/** Shared by the connection tests: the DriverError a run is expected to fail with. */
import { DriverError } from './driver.ts';

export async function failure(promise: Promise<unknown>): Promise<DriverError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DriverError) return error;
    throw error;
  }
  throw new Error('expected the run to fail');
}
