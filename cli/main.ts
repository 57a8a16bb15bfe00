/**
 * `entitlements`: the command line for licensing operations and integrators.
 * Exit codes: 0 done, 1 some rows or the lookup refused, 2 the command, file or API cannot
 * be used, 130 stopped by Ctrl-C. Run through bin/entitlements.mjs (`npx entitlements`).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ROLES, type Role } from '../functions/core/actors.ts';
import { Api, apiUrlOf, CliError, detailOf } from './api.ts';
import { DEFAULT_MAX_BYTES, reportPathOf, runImport } from './import.ts';
import { importViaS3 } from './import-via-s3.ts';

const API_HELP = 'the API (default: $ENTITLEMENTS_API, then http://127.0.0.1:3000, the local stack)';

const program = new Command('entitlements')
  .description(
    'Register certificates from CSV files and look things up in the entitlement service. ' +
      'Token: $ENTITLEMENTS_TOKEN, or Cognito client credentials ($ENTITLEMENTS_CLIENT_ID, ' +
      '$ENTITLEMENTS_CLIENT_SECRET, $ENTITLEMENTS_TOKEN_URL), or on the local stack its local issuer.',
  )
  .exitOverride()
  .showHelpAfterError('(entitlements --help lists the commands)');

const positiveInteger = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('a whole number from 1 to 64');
  return n;
};

program
  .command('import')
  .description(
    `Register every certificate of a CSV file (one row per product; header in CONTRACT.md) and write a report with one line per row. Files up to ${DEFAULT_MAX_BYTES / 1024 / 1024} MB. Exit 0: no row refused; 1: some refused; 2: the file or API cannot be used; 130: stopped (run it again to finish).`,
  )
  .argument('<file>', 'the CSV file (UTF-8, with or without BOM)')
  .option('--api <url>', API_HELP)
  .option('--report <file>', 'where to write the report (default: FILE.report.csv)')
  .option('--dry-run', 'validate only: nothing is sent', false)
  .addOption(
    new Option(
      '--via <how>',
      'api: rows through the API from here; s3: upload the file, the stage imports it (any size)',
    )
      .choices(['api', 's3'])
      .default('api'),
  )
  .addOption(
    new Option('--concurrency <n>', 'requests in flight at once').argParser(positiveInteger).default(8),
  )
  .action(
    async (
      file: string,
      options: { api?: string; report?: string; dryRun: boolean; concurrency: number; via: 'api' | 's3' },
    ) => {
      const { via, ...rest } = options;
      if (via === 's3') {
        if (rest.dryRun) throw new CliError('--dry-run checks the file here: use it without --via s3');
        process.exitCode = await importViaS3({
          file,
          report: rest.report ?? reportPathOf(file),
          ...(rest.api ? { api: rest.api } : {}),
        });
      } else process.exitCode = await runImport({ file, ...rest });
    },
  );

program
  .command('token')
  .description("Print a token from the local stack's issuer (local only; on AWS tokens come from Cognito)")
  .addOption(new Option('--role <role>', 'the role').choices(ROLES).makeOptionMandatory())
  .option('--subject <subject>', 'who the token names', 'entitlements-cli')
  .option('--api <url>', API_HELP)
  .action(async (options: { role: Role; subject: string; api?: string }) => {
    const api = new Api({ url: apiUrlOf(options.api), localRole: options.role });
    process.stdout.write(`${await api.localToken(options.role, options.subject)}\n`);
  });

/** GET a path and print its JSON; a 4xx answer is printed on stderr and exits 1. */
async function show(api: Api, path: string) {
  const answer = await api.call('GET', path);
  if (answer.status >= 200 && answer.status < 300) {
    process.stdout.write(`${JSON.stringify(answer.body, null, 2)}\n`);
    return;
  }
  if (answer.status === 401 || answer.status === 403)
    throw new CliError(`the API refused the token (${answer.status}: ${detailOf(answer.body)})`);
  process.stderr.write(`${answer.status}: ${detailOf(answer.body)}\n`);
  process.exitCode = 1;
}

const FIND_KEYS = {
  serial: 'serialNumber',
  order: 'salesOrderNumber',
  supportId: 'supportIdentifier',
  email: 'email',
  contactId: 'contactId',
} as const;

program
  .command('certificates')
  .description('Certificates')
  .command('find')
  .description('Find certificates by exactly one of the options')
  .option('--serial <serialNumber>', 'a serial number, like M1234567890')
  .option('--order <salesOrderNumber>', 'a sales order number')
  .option('--support-id <supportIdentifier>', 'a support identifier, like 1234-5678-1234')
  .option('--email <email>', "a contact's email address (any case)")
  .option('--contact-id <contactId>', 'a Contact ID')
  .option('--api <url>', API_HELP)
  .action(async (options: Partial<Record<keyof typeof FIND_KEYS, string>> & { api?: string }) => {
    const given = (Object.keys(FIND_KEYS) as Array<keyof typeof FIND_KEYS>).filter(
      (k) => options[k] !== undefined,
    );
    if (given.length !== 1)
      throw new CliError('give exactly one of --serial, --order, --support-id, --email, --contact-id');
    const key = given[0]!;
    const api = new Api({ url: apiUrlOf(options.api), localRole: 'licensing-ops' });
    await show(api, `/certificates?${new URLSearchParams({ [FIND_KEYS[key]]: options[key]! })}`);
  });

program
  .command('entitlements')
  .description('Entitlements')
  .command('check')
  .description('What the holder of a Contact ID is entitled to (as a support engineer)')
  .argument('<contactId>', 'the Contact ID a caller gives')
  .option('--api <url>', API_HELP)
  .action(async (contactId: string, options: { api?: string }) => {
    const api = new Api({ url: apiUrlOf(options.api), localRole: 'support-engineer' });
    await show(api, `/entitlements/${encodeURIComponent(contactId)}`);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version are answers; every other parse error is an unusable command.
    process.exitCode =
      error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0
        ? 0
        : 2;
  } else if (error instanceof CliError) {
    process.stderr.write(`entitlements: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`entitlements: ${(error as Error)?.stack ?? error}\n`);
    process.exitCode = 2;
  }
}
if (process.env.ENTITLEMENTS_REPORT_PEAK_RSS)
  process.stderr.write(`peak RSS: ${process.resourceUsage().maxRSS} KB\n`);
