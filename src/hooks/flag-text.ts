/** A yes/no setting's text (`1`, `0`, `true`, `false`, any case, spaces around): the value, or undefined when it is neither. */
export function flagFromText(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  return t === '1' || t === 'true' ? true : t === '0' || t === 'false' ? false : undefined;
}
