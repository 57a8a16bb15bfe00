/**
 * Contact IDs (DOMAIN.md, Decision): 10 digits, the last a Luhn check digit,
 * random rather than sequential, and never reused. Uniqueness is the store's job
 * (a conditional write on the Contact ID's own item); this module only makes and checks them.
 */

/** The Luhn check digit for a string of digits. */
export function luhnCheckDigit(payload: string): number {
  let sum = 0;
  // Walk from the right; the digit next to the check digit is doubled.
  for (let i = payload.length - 1, double = true; i >= 0; i--, double = !double) {
    let digit = payload.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidContactId(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  return luhnCheckDigit(value.slice(0, 9)) === Number(value[9]);
}

/**
 * A fresh candidate Contact ID. `randomInt` is injected so tests are deterministic;
 * in production it is crypto.randomInt. The first digit is never 0 so the ID survives
 * being typed into spreadsheets and phone keypads as a number.
 */
export function generateContactId(randomInt: (min: number, max: number) => number): string {
  const payload = String(randomInt(100_000_000, 1_000_000_000));
  return payload + String(luhnCheckDigit(payload));
}
