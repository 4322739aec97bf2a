// Model families (opus / sonnet / haiku / other): how the panel groups model chips and colours rows.

export type ModelFamily = 'opus' | 'sonnet' | 'haiku' | 'other';
export const MODEL_FAMILIES: readonly ModelFamily[] = ['opus', 'sonnet', 'haiku', 'other'];

/** The family of a model id (Bedrock / Vertex / dated spellings included). */
export function modelFamily(model: string): ModelFamily {
  const id = model.toLowerCase();
  if (id.includes('opus')) return 'opus';
  if (id.includes('sonnet')) return 'sonnet';
  if (id.includes('haiku')) return 'haiku';
  return 'other';
}
