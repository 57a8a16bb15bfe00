/**
 * Starting state machines. Registration runs as an Express workflow, synchronously,
 * so the API can answer with the Contact ID; delivery is a Standard workflow it starts.
 */
import { type SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';

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
