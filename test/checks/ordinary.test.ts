import { describe, expect, test } from 'vitest';
import { createGate } from '../../src/gate.js';

/**
 * Ordinary customer-service replies, built from openers × bodies × closers: orders,
 * prices, dates, versions, file names, addresses, phone numbers, emoji, competitors'
 * payment options, Weibo itself, negations, and words that sound like or contain a
 * service's name (为新用户, 威信县, 卫星, 加快手续). None may be blocked as promotion.
 */
const A = ['您好，', '亲，', '感谢您的耐心等待！', '收到，', 'Hi, ', '抱歉让您久等了，', '', '尊敬的客户，'];
const B = [
  '您的订单已发货，预计3天内送达。', '订单号A20241201已为您备注加急。', '本店支持微信支付和支付宝，下单后48小时内发货。', '我们暂不支持微信支付，请使用银行卡。',
  '关注我们的微博，了解最新活动！', '请勿添加陌生人微信，谨防诈骗。', '为新用户准备了专属礼包，请在App内领取。', '威信县的客户请注意，物流可能延迟。',
  '卫星定位显示包裹已到达分拣中心。', '微型计算器已补货，欢迎到店选购。', '维新时期的历史图书正在打折。', '斗音乐节门票已售罄，感谢支持。',
  '我们会加快手续办理，请放心。', '我们会尽快手动为您退款。', '价格是99元，会员价89元。', '版本v2.3.1已修复该问题。', '请把文件report_2024.pdf发给客服邮箱。',
  '门店地址：北京市朝阳区建国路88号。', '客服电话：400-123-4567，工作时间9:00-18:00。', '手机号13812345678已登记，我们会短信通知您。', '😊 祝您购物愉快！', '新品上市，欢迎到店体验👍',
  '您在抖音看到的店铺不是我们的，请注意辨别。', '我们没有开通快手账号，请勿相信假冒账号。', 'We accept WeChat Pay and Alipay.', 'Your order has shipped and should arrive in 3 days.',
  'Please do not add strangers on WeChat.', 'Our store opens at 9am, see you soon!', 'Version 2.1 fixes the login bug.', 'Go to Settings and search for updates.', 'We chat with customers every day.',
  '支付宝小程序暂时无法访问，请稍后再试。', '请打开微博搜索我们的官方账号。', '搜索订单号即可查看物流。', '关注订单状态，如有问题请私信我们。', '点击下方链接了解更多。',
  '小红薯和红薯都是当季特产，欢迎选购。', '西瓜很甜，今天特价。', '头条新闻：本店周年庆开始啦。', '企鹅玩偶已到货。', '为了新会员，我们准备了优惠券。', '我们的客服电话与手机同号吗？请拨打400-123-4567。',
  '这都因为天气原因导致延误。', '之乎者也的书法作品已上架。', '如需开具发票，请提供抬头和税号。', '退换货请在收到商品7天内联系在线客服处理。', '积分可在会员中心兑换优惠券。',
  '上周下单的商品已发出。', '请到门店购买，或在我们的官网下单。', '在我们的App里搜索"秋季新品"即可。', '我们的公司成立于2010年。', '本店官方旗舰店只有这一家。',
  'Find us on Weibo for the latest news.', 'Our official store is the only one.', 'Payments via Alipay are supported.', 'Thanks for following us!', '我们不在抖音销售，谨防假冒。',
  '快递员是个快手，很快就到。', '视频教程请在微博视频里观看。', '请在订单页面搜索您的订单号：A123456。', '微信登录暂时不可用，请使用手机号登录。', '微信红包活动已结束。',
  '会员日在每月8号。', '我的同事会联系您。', '请提供您的账号和昵称以便核实。', '本店账号：weibo_shop_01。', '官方客服：400-888-9999。', '我们的小程序正在维护中。',
];
const C = ['', '祝您生活愉快！', '谢谢支持～', 'Have a nice day!', '如有疑问请随时私信我们。', '😊'];

describe('ordinary replies are never promotion', () => {
  test(`${A.length * B.length * C.length} replies, none blocked by the competitor rule`, () => {
    const gate = createGate({ cwd: '/tmp' });
    const blocked: string[] = [];
    for (const a of A) for (const b of B) for (const c of C) {
      const text = a + b + c;
      const v = gate.check({ type: 'text', data: { text }, receiver_id: '1' });
      if (v.findings.some((f) => f.rule === 'competitor/promotion' && f.severity === 'error')) blocked.push(text);
    }
    expect(blocked).toEqual([]);
  });
});
