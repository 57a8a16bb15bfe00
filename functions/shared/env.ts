/** Environment read once, at cold start: a missing variable fails fast with its name. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export const optionalEnv = (name: string): string | undefined => process.env[name] || undefined;
