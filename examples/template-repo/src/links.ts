// Links every reply template may use. Keep them here so reviewers see each one once.
export const SHOP = 'https://shop.chayutea.cn';
export const NEWS = 'https://www.people.com.cn/n1/2026/1101/c1004-40001.html';
/** A flash-sale page a marketing agency hosts: NOT a whitelisted site. */
export const FLASH_SALE = 'https://cheap-tea-deals.com';
export const LINKS = {
  help: 'https://help.chayutea.cn/faq',
  // A shortened link hides its target.
  coupon: 'https://dwz.cn/AbCd12',
} as const;
