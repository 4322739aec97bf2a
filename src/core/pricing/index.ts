// Public API of the pricing engine. Other parts of the core import from 'src/core/pricing'.
export { normalizeModelId } from './normalize';
export { knownModels } from './prices';
export type { ModelRates } from './prices';
export { priceRequest, validatePriceOverrides, priceTableFingerprint, usdToE10, e10ToUsd } from './cost';
export type { PriceOverrides, PriceOverride, PriceResult } from './cost';
