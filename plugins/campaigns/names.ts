// Names and messages in both languages. A refusal reaches people as one text in both, the convention of
// the demo roles' guard messages ("中文 (English)"), until plugins can contribute UI messages.

// A type alias, not an interface, so it stays assignable to a display name's Record<string, string>.
export type Bilingual = { 'zh-CN': string; en: string };

export const name = (zh: string, en: string): Bilingual => ({ 'zh-CN': zh, en });

export const both = (message: Bilingual): string => `${message['zh-CN']} (${message.en})`;
