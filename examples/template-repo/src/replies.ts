import { LINKS, NEWS, PROMO, SHOP } from './index.js';

export interface Customer {
  nickname: string;
  region: string;
}

/** Welcome reply: compliant (our own verified shop). */
export function welcome(c: Customer): string {
  return `${c.nickname}，欢迎关注茶语！新品上架请看 ${SHOP}/new`;
}

/** Press mention: compliant (licensed media). */
export const pressReply = `人民网报道了我们的助农项目：${NEWS}`;

/** Flash sale: PROMO resolves through a re-export chain to a site that is not whitelisted. */
export function flashSale(c: Customer): string {
  return `${c.nickname}，限时秒杀 ${PROMO}/autumn?from=weibo`;
}

/** Customer service hand-off: sends users to a competing service. */
export const serviceHandoff = '售后问题请加我微信 chayu_service，客服一对一处理';

/** The coupon link is shortened, so nobody can tell where it goes. */
export const couponReply = `领券：${LINKS.coupon}`;

/** Regional landing pages: the host is only known at run time. */
export function regional(c: Customer): string {
  return `本地门店：https://${c.region}.stores-partner.net/list`;
}

// weibo-guard-disable-next-line link/not-whitelisted -- archived campaign text kept for the record; never sent (MKT-88)
export const archived = '旧活动页 http://old-campaign.chayutea-promo.com';

// weibo-guard-disable-next-line link/not-whitelisted
export const sloppy = '合作伙伴 https://partner-tea.net';

/** An articles reply as a literal: nine cards (the API takes at most eight), one with a GIF image. */
export const nineCards = {
  type: 'articles',
  data: {
    articles: [
      { display_name: '秋茶 1', summary: '新茶上市', image: `${SHOP}/img/1.jpg`, url: `${SHOP}/autumn/1` },
      { display_name: '秋茶 2', summary: '新茶上市', image: `${SHOP}/img/2.jpg`, url: `${SHOP}/autumn/2` },
      { display_name: '秋茶 3', summary: '新茶上市', image: `${SHOP}/img/3.jpg`, url: `${SHOP}/autumn/3` },
      { display_name: '秋茶 4', summary: '新茶上市', image: `${SHOP}/img/4.jpg`, url: `${SHOP}/autumn/4` },
      { display_name: '秋茶 5', summary: '新茶上市', image: `${SHOP}/img/5.jpg`, url: `${SHOP}/autumn/5` },
      { display_name: '秋茶 6', summary: '新茶上市', image: `${SHOP}/img/6.jpg`, url: `${SHOP}/autumn/6` },
      { display_name: '秋茶 7', summary: '新茶上市', image: `${SHOP}/img/7.jpg`, url: `${SHOP}/autumn/7` },
      { display_name: '秋茶 8', summary: '新茶上市', image: `${SHOP}/img/8.gif`, url: `${SHOP}/autumn/8` },
      { display_name: '秋茶 9', summary: '新茶上市', image: `${SHOP}/img/9.jpg`, url: `${SHOP}/autumn/9` },
    ],
  },
};
