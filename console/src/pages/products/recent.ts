/**
 * The products a product manager opened before in this browser. The API has no product
 * listing (a product exists through its releases and registered serials), so the list page
 * offers these and a form to open any product by name.
 */
const KEY = 'products.recent';
const KEEP = 12;

export function recentProducts(): string[] {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(stored) ? stored.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    return [];
  }
}

/** Puts `product` first (once) after its page loaded. */
export function rememberProduct(product: string): void {
  const list = [product, ...recentProducts().filter((p) => p !== product)].slice(0, KEEP);
  localStorage.setItem(KEY, JSON.stringify(list));
}
