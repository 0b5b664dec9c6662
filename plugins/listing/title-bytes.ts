// How Taobao and Tmall measure a product title (宝贝标题): at most 60 bytes, which is 30 Chinese
// characters. A character outside ASCII (Chinese, full-width punctuation) counts 2, an ASCII one 1.
// Source: Taobao seller help "商品标题如何填写": 宝贝标题请限定在30个汉字(60个字符)以内,否则会影响发布
// (the game-currency category alone allows 60 Chinese characters; docs/plugins/listing.md).

export const TITLE_LIMIT_BYTES = 60;

/** The title's length as the platform counts it. */
export function titleBytes(title: string): number {
  let bytes = 0;
  for (const character of title) bytes += character.codePointAt(0)! <= 0x7f ? 1 : 2;
  return bytes;
}

/** The JsonLogic operation `listing.title_bytes`: a non-text value measures 0. */
export function titleBytesOperation(...args: unknown[]): number {
  return typeof args[0] === 'string' ? titleBytes(args[0]) : 0;
}
