/**
 * Starting state machines. Registration runs as an Express workflow, synchronously,
 * so the API can answer with the Contact ID; delivery is a Standard workflow it starts.
 */
import { type SFNClient, StartExecutionCommand, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';

/**
 * Starts a Standard execution under a deterministic name: a name already used means the
 * work was started before, so it is not started twice (false).
 */
export async function startOnce(
  sfn: SFNClient,
  stateMachineArn: string,
  name: string,
  input: unknown,
): Promise<boolean> {
  try {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return true;
  } catch (error) {
    if (/ExecutionAlreadyExists/.test((error as Error).name)) return false;
    throw error;
  }
}

export class WorkflowFailed extends Error {
  override readonly name = 'WorkflowFailed';
}

export class SyncWorkflow<I, O> {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async run(input: I, name?: string): Promise<O> {
    const out = await this.sfn.send(
      new StartSyncExecutionCommand({
        stateMachineArn: this.stateMachineArn,
        input: JSON.stringify(input),
        ...(name ? { name } : {}),
      }),
    );
    if (out.status !== 'SUCCEEDED' || out.output === undefined)
      throw new WorkflowFailed(
        `${out.executionArn ?? 'execution'} ended ${out.status}: ${out.error ?? ''} ${out.cause ?? ''}`,
      );
    return JSON.parse(out.output) as O;
  }
}
