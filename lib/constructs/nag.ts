/** Helpers for acknowledging cdk-nag findings by their exact text. */
import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** An ARN as cdk-nag prints it in a finding: pseudo parameters as `<AWS::Name>`. */
export function nagArn(scope: Construct, arn: string): string {
  const render = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const node = value as Record<string, unknown>;
    if ('Ref' in node) return `<${String(node.Ref)}>`;
    if ('Fn::GetAtt' in node) return `<${(node['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Fn::Join' in node) {
      const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(separator);
    }
    throw new Error(`cannot render ${JSON.stringify(value)} as cdk-nag does`);
  };
  return render(Stack.of(scope).resolve(arn));
}
