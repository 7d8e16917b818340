/** The parser settings, apart from the parsers: settings are read on every start, parsers loaded only on a cache miss. */

export type ParserName = 'oxc' | 'acorn';
export type ParserChoice = ParserName | 'auto';

export const PARSER_CHOICES: readonly ParserChoice[] = ['auto', 'oxc', 'acorn'];
