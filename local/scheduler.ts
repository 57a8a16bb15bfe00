/**
 * A local EventBridge Scheduler: answers the SDK's CreateSchedule, UpdateSchedule,
 * DeleteSchedule and GetSchedule on 127.0.0.1, keeps the one-time schedules (on disk
 * unless in memory), and fires each one when the local clock passes its time, the way
 * the universal `sfn:startExecution` target does on AWS: the named execution is
 * started (a name already used counts as delivered) and the schedule deleted.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './aws.ts';
import { closeEndpoint, serveEndpoint } from './endpoint.ts';
import type { LocalStepFunctions } from './stepfunctions.ts';

export interface StoredSchedule {
  Name: string;
  GroupName: string;
  ScheduleExpression: string;
  Target: { Arn: string; Input: string };
}

export class LocalScheduler {
  private readonly schedules = new Map<string, StoredSchedule>();
  private server?: Server;

  constructor(
    private readonly stepFunctions: LocalStepFunctions,
    private readonly statePath: string | null,
  ) {
    if (statePath && existsSync(statePath))
      for (const s of JSON.parse(readFileSync(statePath, 'utf8')) as StoredSchedule[])
        this.schedules.set(s.Name, s);
  }

  /** Pending schedules, earliest first, with their time. */
  list(): Array<StoredSchedule & { at: Date }> {
    return [...this.schedules.values()]
      .map((s) => ({ ...s, at: timeOf(s) }))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  delete(name: string): boolean {
    const had = this.schedules.delete(name);
    this.save();
    return had;
  }

  /** Fires, in time order, every schedule due by `until`; resolves once their executions finished. */
  async fireDue(until: Date): Promise<string[]> {
    const fired: string[] = [];
    for (const schedule of this.list().filter((s) => s.at <= until)) {
      if (schedule.Target.Arn !== 'arn:aws:scheduler:::aws-sdk:sfn:startExecution')
        throw new Error(`schedule ${schedule.Name}: target ${schedule.Target.Arn} is not emulated locally`);
      const call = JSON.parse(schedule.Target.Input) as {
        StateMachineArn: string;
        Name?: string;
        Input?: string;
      };
      try {
        this.stepFunctions.start(call.StateMachineArn, call.Input ?? '{}', call.Name);
      } catch (error) {
        if ((error as { awsCode?: string }).awsCode !== 'ExecutionAlreadyExists') throw error;
      }
      this.schedules.delete(schedule.Name); // ActionAfterCompletion: DELETE
      fired.push(schedule.Name);
      await this.stepFunctions.idle();
    }
    this.save();
    return fired;
  }

  async listen(port = 0): Promise<string> {
    const { server, url: endpoint } = await serveEndpoint(port, (req, body, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const match = /^\/schedules\/([^/]+)$/.exec(url.pathname);
      const reply = (status: number, payload: unknown, errorType?: string) => {
        res.writeHead(status, {
          'content-type': 'application/json',
          ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
        });
        res.end(JSON.stringify(payload));
      };
      if (!match)
        return reply(404, { Message: `not emulated: ${req.method} ${url.pathname}` }, 'ValidationException');
      const name = decodeURIComponent(match[1]!);
      const existing = this.schedules.get(name);
      const notFound = () =>
        reply(404, { Message: `Schedule ${name} does not exist.` }, 'ResourceNotFoundException');
      const arn = `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/default/${name}`;
      switch (req.method) {
        case 'POST':
        case 'PUT': {
          if (req.method === 'POST' && existing)
            return reply(409, { Message: `Schedule ${name} already exists.` }, 'ConflictException');
          if (req.method === 'PUT' && !existing) return notFound();
          const input = JSON.parse(body || '{}') as Omit<StoredSchedule, 'Name'>;
          this.schedules.set(name, { ...input, Name: name });
          this.save();
          return reply(200, { ScheduleArn: arn });
        }
        case 'DELETE':
          if (!existing) return notFound();
          this.delete(name);
          return reply(200, {});
        case 'GET':
          return existing ? reply(200, { ...existing, Arn: arn }) : notFound();
        default:
          return reply(405, { Message: 'method not allowed' }, 'ValidationException');
      }
    });
    this.server = server;
    return endpoint;
  }

  async close(): Promise<void> {
    await closeEndpoint(this.server);
  }

  private save(): void {
    if (this.statePath) writeFileSync(this.statePath, JSON.stringify([...this.schedules.values()]));
  }
}

function timeOf(schedule: StoredSchedule): Date {
  const at = /^at\((.+)\)$/.exec(schedule.ScheduleExpression)?.[1];
  if (!at) throw new Error(`schedule ${schedule.Name}: only one-time at() schedules are emulated locally`);
  return new Date(`${at}Z`);
}
