// Display names in both languages the product speaks.
export const name = (zh: string, en: string) => ({ 'zh-CN': zh, en });
