/**
 * Running one state machine file on a test stack (test/support/stack.ts) by its ARN, as
 * a schedule, a route or another state machine starts it, and reading what it did: the
 * states it entered, its output, the executions it started.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { WorkflowName } from '../../functions/catalog.ts';
import { type ExecutionRecord, stateMachineArn } from '../../local/stepfunctions.ts';
import type { TestStack } from './stack.ts';

export interface Run extends ExecutionRecord {
  /** The output, parsed. */
  result: any;
}

/** Starts `workflow` with `input` under `name`, and waits for it and every execution it started. */
export async function run(
  stack: TestStack,
  workflow: WorkflowName,
  input: unknown,
  name: string = randomUUID(),
): Promise<Run> {
  const execution = await stack.stepFunctions.startSync(
    stateMachineArn(workflow),
    JSON.stringify(input),
    name,
  );
  await stack.stepFunctions.idle();
  return { ...execution, result: execution.output === undefined ? undefined : JSON.parse(execution.output) };
}

/** The run a pending one-time schedule will start (its state machine, name and input), found by name. */
export function scheduledRun(stack: TestStack, scheduleName: string): { name: string; input: unknown } {
  const schedule = stack.scheduler.list().find((s) => s.Name === scheduleName);
  expect(schedule, `schedule ${scheduleName}`).toBeDefined();
  const target = JSON.parse(schedule!.Target.Input) as { Name: string; Input: string };
  return { name: target.Name, input: JSON.parse(target.Input) };
}

/** The states entered, each once, in the order first entered: the path through Map iterations without their repeats. */
export const pathOf = (execution: ExecutionRecord): string[] => [...new Set(execution.statesEntered)];

/** The executions of `workflow` whose name matches. */
export const executionsOf = (stack: TestStack, workflow: WorkflowName, name: string | RegExp) =>
  stack.stepFunctions
    .list(workflow)
    .filter((e) => (typeof name === 'string' ? e.name === name : name.test(e.name)));
