// Names and messages in both languages the product speaks. A refusal reaches people as one text in both
// ("中文 (English)"), the convention of the other department plugins' guard messages.
export type Bilingual = { 'zh-CN': string; en: string };

export const name = (zh: string, en: string): Bilingual => ({ 'zh-CN': zh, en });

export const both = (message: Bilingual): string => `${message['zh-CN']} (${message.en})`;
