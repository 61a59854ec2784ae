#!/usr/bin/env node
// Writes test/corpus/ordinary.jsonl: ordinary customer-service replies that must all be
// allowed. Seeded and deterministic: the same source gives the same file, so a diff of
// the output shows what a change to the fragments did.
//   node test/corpus/gen-ordinary.mjs            (writes ordinary.jsonl beside this file)
//   node test/corpus/gen-ordinary.mjs --check    (exits 1 if the committed file differs)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TARGET = 3300;
const OUT = join(dirname(fileURLToPath(import.meta.url)), 'ordinary.jsonl');

// mulberry32: a small seeded generator, enough to pick fragments reproducibly.
let seed = 0x5eed1010;
function rand() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const digits = (n) => Array.from({ length: n }, (_, i) => (i === 0 ? int(1, 9) : int(0, 9))).join('');

// ---- slot pools
const S = {
  who: ['您好', '亲', '亲爱的顾客', '张女士您好', '李先生您好', '王同学你好', '您好呀', '感谢您的耐心等待', '久等了', '早上好', '下午好', '晚上好'],
  product: ['羊毛大衣', '蓝牙耳机', '空气炸锅', '儿童绘本套装', '保温杯', '扫地机器人', '护手霜礼盒', '机械键盘', '登山鞋', '茶叶礼盒', '电动牙刷', '四件套', '无线充电器', '瑜伽垫', '婴儿推车', '咖啡豆', '折叠伞', '加湿器', '行李箱', '颈椎按摩仪', '智能手表', '猫粮', '山地自行车', '真丝围巾', '月饼礼盒'],
  color: ['黑色', '白色', '雾霾蓝', '燕麦色', '墨绿色', '酒红色', '浅灰', '香槟金'],
  size: ['S 码', 'M 码', 'L 码', 'XL 码', '38 码', '42 码', '均码', '26 寸', '1.8 米'],
  price: () => pick([`¥${int(9, 2999)}`, `${int(9, 999)}元`, `￥${int(1, 999)}.${int(10, 99)}`, `${int(1, 9)},${int(100, 999)}.00 元`, `${int(10, 500)} 块`, `¥${int(10, 99)}.9`]),
  discount: ['满 199 减 30', '第二件半价', '全场 8.5 折', '新人立减 10 元', '买一送一', '前 100 名赠小样', '会员 9.5 折', '满 3 件包邮'],
  order: () => pick([digits(16), `2026${int(10, 12)}${int(10, 28)}${digits(8)}`, `DD${digits(12)}`, `${digits(4)}-${digits(4)}-${digits(4)}`, `NO.${digits(10)}`]),
  track: () => pick([`SF${digits(13)}`, `YT${digits(13)}`, `JD${digits(15)}`, `ZTO ${digits(12)}`, `EMS EA${digits(9)}CN`, `韵达 ${digits(13)}`, `中通 ${digits(12)}`, `京东快递 JDX${digits(12)}`]),
  courier: ['顺丰', '京东快递', '中通', '圆通', '韵达', 'EMS', '申通', '德邦'],
  date: () => pick([`${int(1, 12)}月${int(1, 28)}日`, `2026-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`, `2026年${int(1, 12)}月${int(1, 28)}日`, '本周五', '下周一', '明天', '后天', `${int(1, 12)}/${int(1, 28)}`, '今天下午']),
  time: () => pick([`${int(8, 21)}:${pick(['00', '15', '30', '45'])}`, '上午十点', '下午三点', '晚上八点前', '9:00-18:00', '24 小时内', '48 小时内', '工作日 9:30-18:30']),
  version: () => pick([`v${int(1, 9)}.${int(0, 20)}.${int(0, 9)}`, `iOS ${int(15, 18)}.${int(0, 6)}`, `Android ${int(10, 15)}`, `版本 ${int(3, 12)}.${int(0, 30)}.${int(0, 9)}`, `固件 ${int(1, 3)}.${int(0, 9)}.${int(0, 9)}`, `HarmonyOS ${int(3, 5)}.${int(0, 1)}`, `Windows ${pick(['10', '11'])}`, `macOS ${int(12, 15)}.${int(0, 5)}`, `build ${digits(4)}`]),
  file: ['report.pdf', '发票.zip', 'readme.md', '合同.docx', '报价单.xlsx', 'photo.jpg', '说明书.pdf', 'data.csv', 'notes.txt', 'config.json', 'backup.tar.gz', 'image.png', 'invoice_2026.pdf', '售后登记表.xlsx', '产品图.rar', '安装指南.pdf', '电子保修卡.png', 'screenshot_0312.jpg', '退货单.doc', '对账单.xls', '使用视频.mp4', 'CHANGELOG.md', 'manual_v2.pdf', '尺码表.jpg', 'logo.svg'],
  city: ['北京', '上海', '广州', '深圳', '杭州', '成都', '武汉', '西安', '南京', '重庆', '长沙', '苏州', '厦门', '昆明', '哈尔滨', '乌鲁木齐', '拉萨'],
  address: ['北京市朝阳区建国路88号SOHO现代城A座1203', '上海市浦东新区世纪大道100号', '广州市天河区天河路385号太古汇3楼', '深圳市南山区科技园南区高新南四道18号', '杭州市西湖区文三路259号', '成都市锦江区春熙路步行街12号', '武汉市洪山区珞喻路1037号', '南京市鼓楼区中山北路30号', '西安市雁塔区小寨东路126号', '重庆市渝中区解放碑民权路28号', '厦门市思明区中山路商业街66号', '苏州工业园区星湖街328号'],
  phone: () => pick([`400-${digits(3)}-${digits(4)}`, `1${pick(['3', '5', '8'])}${digits(1)} ${digits(4)} ${digits(4)}`, `010-${digits(8)}`, `021-${digits(4)} ${digits(4)}`, `+86 ${pick(['10', '21', '755'])} ${digits(4)} ${digits(4)}`, `95${digits(3)}`, `800-${digits(3)}-${digits(4)}`]),
  emoji: ['😊', '🙏', '🎉', '👍', '📦', '❤️', '✨', '🌟', '💪', '🙂', '😄', '🥰', '🎁', '☀️', '🍵', '👌', ''],
  close: ['祝您生活愉快！', '有问题随时私信我们。', '感谢您的支持～', '期待您的再次光临！', '如有疑问请随时联系。', '祝您购物愉快。', '给您带来不便，敬请谅解。', '辛苦您了！', '谢谢！', '请您放心。', ''],
  wlink: ['https://www.people.com.cn/n1/2026/1201/c1001-4012.html', 'https://www.gov.cn/zhengce/2026-11/30/content_7001.htm', 'https://news.qq.com/rain/a/20261130A01ABC00', 'https://weibo.com/u/1722052204', 'https://m.weibo.cn/status/NxA2b3C4d', 'https://www.xinhuanet.com/politics/2026-11/30/c_1129.htm', 'https://item.jd.com/100012043978.html', 'https://www.12306.cn/index/', 'https://www.apple.com.cn/iphone/', 'https://www.taobao.com', 'https://www.mi.com/service/', 'https://www.huawei.com/cn/support', 'http://www.news.cn/fortune/2026-12/01/c_1130.htm', 'https://weibo.com/1722052204/NxA2b3', 'https://www.cctv.com/2026/11/30/ARTI123.shtml', 'https://www.thepaper.cn/newsDetail_forward_2900011', 'https://www.amap.com/place/B000A83M61', 'https://www.ctrip.com/', 'https://www.12377.cn/'],
  pay: ['微信支付', '支付宝', '银联', '信用卡', '花呗', '货到付款', 'Apple Pay', '云闪付', '数字人民币'],
  region: ['新疆', '西藏', '偏远地区', '港澳台', '海外'],
  form: ['售后登记表.xlsx', '退货单.doc', '报价单.xlsx', 'data.csv', '合同.docx', '开票信息.xlsx', '报名表.docx'],
  invoice: ['发票.zip', 'invoice_2026.pdf', '电子发票.pdf', '发票_12月.pdf', '增值税发票.pdf'],
  doc: ['readme.md', 'CHANGELOG.md', 'release-notes.pdf', '升级说明.pdf', '说明书.pdf', 'manual_v2.pdf'],
  big: ['使用视频.mp4', '产品图.rar', 'backup.tar.gz', '安装包.zip', '高清图集.7z', '现场录像.mp4'],
  flavor: ['气泡水', '冰淇淋', '酸奶', '软糖', '果冻', '牙膏', '润唇膏', '沐浴露'],
  device: ['运动相机', '手持云台', '手机', '行车记录仪', '无人机', '投影仪'],
  num: () => String(int(2, 9999)),
  flight: () => `${pick(['CA', 'MU', 'CZ', 'HU', 'ZH', '3U'])}${int(1000, 9899)}`,
  d4: () => digits(4),
  d6: () => digits(6),
  enproduct: ['wool coat', 'wireless earbuds', 'air fryer', 'picture book set', 'travel mug', 'robot vacuum', 'mechanical keyboard', 'hiking boots', 'tea gift box', 'electric toothbrush', 'yoga mat', 'smart watch', 'suitcase', 'silk scarf', 'desk lamp'],
  encity: ['Beijing', 'Shanghai', 'Guangzhou', 'Shenzhen', 'Chengdu', 'Hangzhou', 'Hong Kong', 'Singapore'],
  encolor: ['black', 'white', 'navy', 'oat', 'forest green', 'burgundy', 'light grey'],
  // English and Traditional replies take their own spellings of dates, prices and places.
  endate: ['Friday', 'next Monday', 'tomorrow', 'December 3', '3 Dec', '2026-12-03', 'the 15th', 'the day after tomorrow'],
  entime: ['9 am to 6 pm', '10:00-22:00', '2:30 pm', 'within 24 hours', 'weekdays 9:30-18:30', 'before noon'],
  enaddress: ['Room 1203, Tower A, 88 Jianguo Road, Chaoyang, Beijing', '100 Century Avenue, Pudong, Shanghai', 'Shop 3F-12, Taikoo Hui, 385 Tianhe Road, Guangzhou', '18 Gaoxin South 4th Road, Nanshan, Shenzhen', '2/F, 33 Canton Road, Tsim Sha Tsui, Hong Kong'],
  enregion: ['Xinjiang', 'Tibet', 'remote areas', 'overseas addresses'],
  encourier: ['SF Express', 'JD Logistics', 'ZTO', 'YTO', 'EMS', 'Yunda'],
  endiscount: ['20% off everything', 'buy one get one free', 'free shipping over ¥99', '¥30 off orders over ¥199', 'a free gift with every order'],
  entrack: () => pick([`SF${digits(13)}`, `YT${digits(13)}`, `JD${digits(15)}`, `EA${digits(9)}CN`, `ZTO${digits(12)}`]),
  enprice: () => pick([`¥${int(9, 2999)}`, `¥${int(1, 999)}.${int(10, 99)}`, `CNY ${int(1, 9)},${int(100, 999)}`, `US$${int(5, 300)}`]),
  enversion: () => pick([`v${int(1, 9)}.${int(0, 20)}.${int(0, 9)}`, `iOS ${int(15, 18)}.${int(0, 6)}`, `Android ${int(10, 15)}`, `version ${int(3, 12)}.${int(0, 30)}`, `firmware ${int(1, 3)}.${int(0, 9)}.${int(0, 9)}`]),
  twdate: ['明天', '後天', '下週一', '本週五', '12月3日', '2026/12/03', '月底前'],
  twtime: ['上午十點', '下午三點', '9:00-18:00', '24 小時內', '晚上八點前'],
  twproduct: ['加濕器', '藍牙耳機', '氣炸鍋', '保溫杯', '掃地機器人', '行李箱', '智慧手錶', '羊毛大衣', '茶葉禮盒'],
  twwho: ['您好', '親', '張小姐您好', '陳先生您好', '感謝您的耐心等候', '午安'],
  twprice: () => pick([`NT$${int(1, 9)},${int(100, 999)}`, `NT$${int(99, 999)}`, `${int(100, 990)} 元`]),
  twcoupon: ['60 元', '80 元', 'NT$100', '150 元'],
  mini: ['投影仪', '吸尘器', '风扇', '相机', '打印机'],
  coupon: ['5 元', '10 元', '20 元', '30 元', '50 元'],
  govlink: ['https://www.gov.cn/fuwu/bumendifangdating.htm', 'https://www.gov.cn/zhengce/2026-11/30/content_7001.htm', 'https://www.12377.cn/'],
};
const fill = (tpl) => tpl.replace(/\{(\w+)\}/g, (_, k) => {
  const v = S[k];
  if (v === undefined) throw new Error(`unknown slot {${k}} in: ${tpl}`);
  return typeof v === 'function' ? v() : pick(v);
});

// ---- hand-written reply bodies, grouped by topic
const ZH = [
  // orders and logistics
  '{who}，您的订单 {order} 已发货，{courier}单号 {track}，预计{date}送达。{emoji}',
  '{who}，订单 {order} 正在打包中，{time}前会发出。',
  '查询到您的包裹 {track} 目前在{city}转运中心，物流会有 1-2 天延迟，{close}',
  '{who}，{product}（{color} {size}）库存充足，今天下单{date}就能发货。',
  '快递显示已签收，如果您没有收到，请先看看门卫或快递柜，单号 {track}。',
  '{who}，{region}的订单需要额外 2-3 天，运费按实际收取。',
  '亲，地址已经帮您改成：{address}，请核对收件人和电话 {phone}。',
  '您好，{product}已经补货了，{color}和{size}都有，现价 {price}。',
  '订单 {order} 已取消，款项会在 {time}原路退回。{close}',
  '亲，{courier}今天停发，您的订单改为{date}统一发出。',
  '包裹拆分成两个发出：{track} 和 {track}，请注意查收。',
  '{who}，预售款{product}将在{date}开始发货，请耐心等待 {emoji}',
  // prices and promotions
  '{who}，{product}现在活动价 {price}，{discount}，活动截止到{date}。',
  '这款{product}现价 {price}，用券再减 {coupon}，{close}',
  '亲，{discount}的活动和会员价不能叠加，系统会自动选最优惠的。',
  '价格保护期 7 天，{date}之前降价可以申请退差价。',
  '您好，发票金额以实付 {price} 为准，电子发票会在 48 小时内开具。',
  '{who}，双十二当天 0:00 开抢，{product}限量 500 件 {emoji}',
  '运费险已经包含在订单里，退货时运费最高赔付 {price}。',
  '满减后实付 {price}，积分抵扣了 {price}，明细可以在订单详情里看。',
  // refunds and after-sales
  '{who}，退款申请已通过，{price} 预计 {time}到账。{close}',
  '退货请寄到：{address}，收件人：售后部，电话 {phone}。',
  '{product}有质量问题的话，拍张照片发给我们，我们马上给您换新。',
  '亲，七天无理由退换需要商品不影响二次销售，吊牌请保留。',
  '保修期为一年，凭订单号 {order} 就可以申请售后。',
  '维修费用 {price}，师傅会在{date}{time}上门，请保持电话 {phone} 畅通。',
  '换货单已生成，请在{date}前把{product}寄回，运费我们承担。',
  '{who}，给您补发了一个配件，单号 {track}。{emoji}',
  '退款已原路退回到您的{pay}账户，请注意查收。',
  // payments (competitor payment options are a mention, not promotion)
  '我们支持{pay}、{pay}和{pay}，下单时任选一种即可。',
  '付款方式：{pay}、{pay}都可以，暂不支持{pay}。',
  '亲，微信支付和支付宝都可以付款，到账后自动发货。',
  '门店收银支持微信支付、支付宝、银联闪付，也可以刷卡。',
  '使用微信支付的订单，退款会退回微信零钱，一般 1-3 个工作日。',
  '抱歉，线上暂时不支持微信支付，可以用支付宝或银行卡。',
  '您用{pay}付款遇到了问题吗？请截图报错信息发给我们看看。',
  '分期付款只支持信用卡和花呗，最多 12 期。',
  // versions, apps, devices
  '{who}，请把 App 升级到 {version} 再试一次，旧版本有这个问题。',
  '这个问题在 {version} 已经修复，建议您更新后重启设备。',
  '设备需要 {version} 或以上系统，{product}的固件会自动更新。',
  '您用的是 {version} 吗？请在“设置-关于”里看一下版本号。',
  '蓝牙连接不上的话，先删除配对记录，再长按电源键 5 秒重置。',
  '新版 {version} 增加了夜间模式和离线下载，{close}',
  '兼容 {version} 和 {version}，暂不支持更老的系统。',
  // files
  '资料已经整理好了，附件 {file} 请查收。',
  '请把 {form} 填好后发回邮箱 service@example.com，我们尽快处理。',
  '电子发票 {invoice} 已发送到您预留的邮箱，{close}',
  '说明书在包装盒里，也可以看附件 {file}。',
  '您发来的 {form} 打不开，麻烦重新导出一份给我们。',
  '{who}，合同和报价都在 {form} 和 {form} 里面。',
  // addresses, stores, phone
  '我们门店地址：{address}，营业时间 {time}。',
  '{city}的朋友也可以到我们的旗舰店体验：{address}。',
  '客服热线 {phone}，{time}有人接听。',
  '急事请拨打 {phone}，其他问题直接在微博私信留言就好。',
  '提货点在{address}，带上取件码和身份证即可。',
  '{who}，{city}仓今天已经发出，预计{date}到{city}。',
  // Weibo itself
  '欢迎关注我们的微博，新品和活动都会第一时间发布。{emoji}',
  '关注我们的微博，参与转发抽奖，{date}开奖。',
  '更多穿搭请看我们微博的置顶内容。',
  '详情请看微博超话 #{product}使用心得#，里面有很多买家分享。',
  '有问题直接在微博私信我们就可以，客服 {time}在线。',
  '我们的微博会直播新品发布会，{date}{time}开始。',
  '已经在微博上回复您的评论了，请查看通知。',
  '这是我们官方微博的唯一客服入口，请认准蓝V认证。',
  // whitelisted links
  '政策原文可以看这里：{wlink}',
  '相关报道：{wlink} {emoji}',
  '商品链接：{wlink}，下单时备注颜色。',
  '官方说明请见 {wlink} ，{close}',
  '您可以在 {wlink} 查询，也可以直接私信我们。',
  // negations and warnings
  '请勿添加任何微信，我们只在微博私信提供服务。',
  '本店没有抖音账号，也没有开通快手小店，请认准官方微博。',
  '我们不使用QQ群发放优惠券，凡是自称客服的QQ都是假的。',
  '提醒：官方客服不会索要验证码，也不会让您去其他平台付款。',
  '本店没有公众号，也不在朋友圈卖货，以微博发布为准。',
  '我们不提供微信客服，所有售后都在这里处理。',
  '小红书上的同名账号不是我们开的，请注意甄别。',
  '谨防有人冒充客服让您加微信，我们不会主动联系您。',
  '我们不会通过QQ联系您，请以微博私信为准。',
  '请不要扫描陌生人发来的小程序码。',
  '官方从不要求用户关注任何公众号。',
  '不要相信自称客服让你下载抖音极速版的人。',
  '本店不在朋友圈卖货。',
  // words that sound like names
  '为新用户准备了专属礼包，注册后自动发放到账户。',
  '威信县和镇雄县的订单由昭通仓发出，时效稍慢。',
  '卫星电话和北斗定位模块的参数请看详情页。',
  '微型投影仪的亮度是 300 流明，适合卧室使用。',
  '维新路门店{date}起装修，暂停营业一周。',
  '{device}画面抖动的问题，打开防抖功能就能改善。',
  '我们仓库的小伙伴快手快脚，一小时就打包完了 {emoji}',
  '小红薯五斤装 {price}，产地直发，今年的特别甜。',
  '红书包是今年的爆款，{color}只剩最后几个。',
  '今天的头条新闻是我们的新品发布会，欢迎在微博围观。',
  '西瓜 {price} 一个，冰镇后口感更好。',
  '企鹅玩偶是{product}的赠品，随单发出。',
  '绿色泡泡纸包装，运输过程中不会压坏。',
  '知足常乐，之乎者也，我们的国学课第三讲{date}上线。',
  '抖音乐节的门票不是我们销售的，请通过主办方购买。',
  '快手机壳已补货，{color}现货。',
  // dates, times, service hours
  '{who}，客服在线时间是 {time}，节假日正常服务。',
  '春节期间{date}至{date}暂停发货，{date}起恢复。',
  '预约成功：{date} {time}，请提前 10 分钟到店。',
  '活动时间 {date} {time} 至 {date} 24:00。',
  '会员到期日是 {date}，到期前 7 天续费有 9 折。',
  // misc service
  '{who}，已经为您登记，稍后会有专人联系您。{emoji}',
  '不好意思让您久等了，这边马上帮您查一下。',
  '收到您的反馈，我们会转给产品团队，{close}',
  '尺码建议：身高 165、体重 50 公斤选 {size}。',
  '{product}的保质期是 18 个月，生产日期见包装底部。',
  '这款{product}不含酒精，孕妇也可以用。',
  '直播回放已经上传到微博视频，可以随时回看。',
  '优惠券已经发到您的账户，有效期到{date}，{discount}。',
  // sentence boundaries and lists that look like a host, read as prose
  '我们的工厂在深圳。中国制造，品质有保障。',
  '总部设在杭州。公司成立于 2012 年，专注家居用品。',
  '这款适合在家里用。在线客服可以帮您选型号。',
  '我们在广州。网络订单和门店同价。',
  '请放心购买。商城里的价格就是最终价格。',
  '支持 Apple、Google 账号登录，也可以用手机号注册。',
  '手机、电脑、TV 都能看，一个账号最多三台设备。',
  '可选颜色：{color}、{color}、{color}。',
  '{who}，您咨询的{product}从{city}仓发货，{courier}包邮。',
  '亲，{product}的{color}款{size}暂时缺货，预计{date}到货，到货后第一时间通知您。',
  '订单 {order} 的收货电话是 {phone} 吗？快递员联系不上您。',
  '包裹 {track} 因天气原因滞留在{city}，恢复运输后会继续派送。',
  '{who}，{product}需要冷链配送，{region}暂时无法发货。',
  '详情页写的是 {price}，结算时又优惠了 {price}，这是正常的。',
  '组合装比单买便宜 {price}，另外{discount}。',
  '定金 {price}，尾款{date}{time}开始支付。',
  '亲，价格已经是最低了，可以送您一张{discount}的券。',
  '含税价 {price}，需要专票的话请提供开票信息。',
  '{device}拍摄时画面抖动的话，把防抖模式切换到增强档试试。',
  '快递员{date}{time}左右派送，请保持电话畅通。',
  '您填写的地址缺少门牌号，麻烦补充一下，例如：{address}。',
  '{who}，您的积分还有 {num} 分，可以抵 {price}。',
  '会员等级已经升到黄金会员，享受{discount}。',
  '押金 {price} 会在归还{product}后 {time}退还。',
  '卫星云图显示{city}明天有雨，户外活动请注意安全。',
  '微型{mini}？我们没有这个型号，您说的可能是迷你款。',
  '维新小学附近的自提点{date}开始启用。',
  '这批小红薯是山东产的，{price} 三斤，{courier}发货。',
  '头条新闻说的延迟发货是指{region}，其他地区不受影响。',
  '西瓜味的{flavor}{date}上新，{discount}。',
  '我们只在微博发布活动信息，别的平台上的都不是官方的。',
  '有人冒充我们在抖音卖货，请不要相信，也不要付款。',
  '本店与任何微信号、QQ号都没有关系，请勿轻信。',
  '我们没有视频号，也没有小程序，下单请认准微博橱窗。',
  '看到转账要求请立即报警，或拨打 96110 反诈专线。',
  '{who}，您要的 {doc} 已经重新上传。{close}',
  '{big} 太大发不了，分成两个压缩包发给您。',
  '系统维护时间 {date} 0:00-6:00，期间无法下单。',
  '{version} 对应的说明文档是 {doc}。',
  '{who}，{version} 的安装包正在灰度，{date}全量推送。',
  '快捷键是 Ctrl+Shift+S，Mac 上是 Cmd+Shift+S。',
  '账号异常的话，先退出登录，清除缓存后重新登录。',
  'Wi-Fi 名称里不要有特殊字符，密码 8-20 位。',
  '温度设置 26℃，湿度 50%-60% 比较舒适。',
  '尺寸 120×60×75 cm，重量 18.5 kg，{courier}送货上门。',
  '规格：500ml×12 瓶，保质期 12 个月，{price} 一箱。',
  '按照售后政策第 3.2 条，超过 30 天不能无理由退货。',
  '电池容量 5000mAh，支持 67W 快充，{version} 起支持反向充电。',
  '您的工单号是 WO-{order}，处理进度可以随时问我。',
  '已为您预留{date}{time}的名额，过时自动取消。',
  '感谢您的好评！我们会继续努力 {emoji}',
  '抱歉给您带来不好的体验，已经给您申请了 {price} 的补偿。',
  '{product}的使用方法：先充电 2 小时，再长按开机键 3 秒。',
  '客服小美为您服务，请问有什么可以帮您？{emoji}',
  '{region}地区暂不包邮，需补运费 {price}。',
  '转发这条微博并@三位好友，就有机会赢取{product}。',
  '中奖名单会在{date}公布在我们的微博，请留意私信。',
  '在话题 #{product}晒单# 下晒图，就有机会获得{discount}。',
  '微博直播间今晚{time}抽奖，记得来看。',
  '我们的超话是 #{product}研究所#，欢迎来打卡。',
  '好的～～～收到！！！{emoji}{emoji}',
  '亲~ 在的哦，有什么可以帮您的呢？',
  '（已核实）订单 {order}：已付款，待发货。',
  '【发货通知】{product} 已发出，单号：{track}',
  '【温馨提示】{date}起快递恢复正常时效。',
  '会员 ID：{order}，积分可以抵现。',
  '联系人：王经理，电话：{phone}，邮箱：sales@example.com',
  '账号：{phone}，初始密码已经短信发送，请登录后修改。',
  '{who}，{product}的发票抬头写错了可以重开，把正确抬头发给我们。',
  '您好，{city}的门店{date}开业，开业当天{discount}。',
  '{product}已经加急处理，{courier}今天{time}揽收。',
  '订单状态显示“已揽收”，{courier}的快递员姓魏，电话 {phone}。',
  '航班 {flight} 延误约两小时，改签和退票都可以在 App 内操作，不收手续费。',
  '酒店入住时间 14:00，退房 12:00，早餐 6:30-10:00 在二楼餐厅。',
  '您的话费余额 {price}，本月套餐剩余流量 {num}MB。',
  '宽带师傅{date}{time}上门安装，请家里留人。',
  '课程回放在 App 的“我的课程”里，有效期一年。',
  '体检报告{date}可以领取，也可以在 App 上查看电子版。',
  '社保卡补办请带身份证到{city}市民中心，或者在 {govlink} 查看办理指南。',
  '游戏账号被封是因为检测到外挂，申诉请提供角色 ID：{num}。',
  '银行卡尾号 {d4} 的退款 {price} 已到账。',
  '快递柜取件码 {d6}，请在 24 小时内取件。',
  '外卖超时了，已经给您赔付一张 {price} 的无门槛券。',
  '抖音上的那个视频不是我们拍的，已经举报了。',
  '有顾客说在快手看到低价货，那是假货，请不要购买。',
  '我们店里的打包快手小王，一天能打包 500 单 {emoji}',
  '我们的微博头条文章写了详细的保养攻略。',
  '我们的西瓜是宁夏中卫的硒砂瓜，{price} 一个。',
  '这款小红书包适合一年级的小朋友，{color}有现货。',
  '赠品是两包QQ糖，随{product}一起发出。',
  '面条 QQ 弹弹的，煮 3 分钟就好。',
  '{who}，停车场在地下二层，凭消费小票免费停 2 小时。',
  '挂号成功：{date} {time}，{city}第一人民医院 3 号诊室。',
  '您的快递已放在{city}菜鸟驿站，取件码 {d6}。',
  '信用卡账单日是每月 {num} 号之后的第一个工作日，到期还款日顺延 20 天。',
  '续费成功，会员有效期延长到{date}。',
  '抱歉，该车次已售罄，可以试试候补购票：{wlink}',
  '门票 {price}/人，1.2 米以下儿童免票，需携带身份证原件。',
  '考试成绩{date}公布，可以登录官网查询。',
  '燃气表读数异常的话，请拍照发给我们，24 小时内安排师傅。',
  '物业费按 2.8 元/平方米/月收取，可以按季度缴纳。',
  '宠物医院营业时间 {time}，急诊 24 小时。',
  '家电清洗套餐 {price}，含空调两台、油烟机一台。',
  '机票行程单已发到您的邮箱，报销请用电子发票。',
  '我们和快递公司确认过了，{date}一定送到。',
  '这是微博官方的活动，奖品由我们提供，中奖后 7 个工作日内发出。',
  '{who}，您的问题已经升级给主管处理，工单号 {order}。',
  '安装后文件在 C:\\Program Files\\WeiboTool\\ 下面，日志在 logs 文件夹。',
  '共享盘路径是 \\\\fileserver\\share\\报表\\{form}，没有权限的话找 IT 开通。',
  '请把导出的表格放到 D:\\备份\\{date} 文件夹，再重新导入。',
  '欢迎光临木子·Studio，{date}起营业时间调整为 {time}。',
  '花间·Shop 的会员积分可以抵现，100 积分抵 1 元。',
  '城市·Life 快闪店在{address}，{date}开幕。',
  '本周推荐：{product} • {product} • {product}，都有现货。',
  '套餐内容：{product}、{product}、{product}，合计 {price}。',
  '列夫·托尔斯泰的全集已经补货，精装版 {price}。',
];

const EN = [
  'Hi, your order {order} has shipped with {courier}, tracking number {track}. It should arrive by {date}. {emoji}',
  'Thanks for waiting! The {color} one is back in stock at {price}.',
  'Your refund of {price} has been approved and should reach you within 3-5 business days.',
  'We accept WeChat Pay, Alipay and UnionPay at checkout.',
  'Sorry, WeChat Pay is not supported for overseas orders yet; please use a credit card.',
  "We don't use WeChat for support: please keep messaging us here on Weibo.",
  'We never ask for your password or verification code, and we have no QQ group.',
  'Please update the app to {version} and restart your phone; that version fixes the crash.',
  'It works on {version} and later.',
  'The manual is attached as report.pdf, and the invoice as invoice_2026.pdf.',
  'Our store is at {address}, open {time}.',
  'Call us on {phone} if it is urgent.',
  'Follow our Weibo account for new arrivals and giveaways! {emoji}',
  'The full policy is here: {wlink}',
  'Returns: send the item back within 7 days with the tags on, and we cover the postage.',
  'The delivery to {region} takes 2-3 extra days, sorry for the wait.',
  'Your appointment is confirmed for {date} at {time}.',
  'Good news: {discount} until {date}.',
  'I have forwarded your feedback to the product team. Thanks for letting us know!',
  'The warranty is one year from the date of purchase; keep order number {order}.',
  'The package was split in two: {track} and {track}.',
  'Please send the completed form (data.csv or the Excel file) back by email.',
  'The Wei Xin you spoke to is our store manager; he will call you back today.',
  'Our warehouse team moved quickly, your parcel left within an hour. {emoji}',
  'The news about our launch made the headlines on Weibo today.',
  'Yes, Apple Pay works too. We also take cash on delivery in {city}.',
  'Hi! The price is {price} including shipping.',
  'That bug was fixed in {version}; the changelog is in the release notes.',
  'Sorry for the trouble. A replacement is on its way, tracking {track}.',
  'You can also reach us by phone at {phone}, {time}.',
  'Please do not add anyone on WeChat who claims to be our staff: we only reply here.',
  'Your ticket number is WO-{order}; reply here anytime for an update.',
  'The {enproduct} measures 120 x 60 x 75 cm and weighs 18.5 kg.',
  'We ship to {encity} within 2 days; {region} orders take longer.',
  'Sure! Size M fits a chest of 96-100 cm. The {encolor} one runs a little small.',
  'You can pay by card, Alipay or WeChat Pay, whichever you prefer.',
  'App {version} fixed the login issue; please update from the App Store.',
  'We are not on TikTok or Douyin: this verified Weibo account is our only one.',
  'Watch the replay on our Weibo page any time. {emoji}',
  'Search for our store name on Tmall to find the official shop.',
  'The headline story on Weibo today is about our launch event.',
  'Please find report.pdf attached; the photos follow in a zip.',
  'Happy holidays from all of us! 🎄',
  'Send us a message here with your order number and we will check.',
  'Go to Settings > About to see the version number.',
  'Scan the QR code on the box with the Weibo app to register the warranty.',
  'The {encolor} {enproduct} is back in stock at {price}.',
  'Your {enproduct} left our {encity} warehouse today, tracking {track}.',
  'The {enproduct} comes with a two-year warranty; keep the receipt.',
  'We are sorry the {enproduct} arrived damaged. A new one ships {date}.',
  'Discount code applied: you saved {price} on this order.',
  'Office hours are {time}, Monday to Friday.',
  'Our shop in {encity} is at {address}.',
  'Yes, the quick-start guide is manual_v2.pdf in the box, and online at {wlink}',
  'Heads up: scammers are posting fake giveaways on Xiaohongshu. We never ask you to pay a fee.',
  'Thanks for the five stars! See you next time. {emoji}',
  'Your points balance is {num}; 100 points = ¥1.',
  'The {enproduct} is compatible with {version} and newer.',
  'I have asked the courier ({courier}) to call you before delivery.',
  'Quick tip: hold the power button for 10 seconds to reset it.',
  'We answered your question in the comments on Weibo as well.',
  'Your flight {flight} is delayed by about two hours; you can rebook in the app free of charge.',
  'Check-in is from 2 pm and check-out by noon. Breakfast is served 6:30-10:00.',
  'Your remaining data this month is {num} MB.',
  'The technician will come on {date} between 9 and 12; please make sure someone is home.',
  'Exam results are published on {date}.',
  'Game account {num} was suspended for cheating; you can appeal with your character ID.',
  'A customer told us they saw fake listings on TikTok; those are not ours, please report them.',
  'No worries, we chat with the courier every morning and will ask about your parcel.',
  'Our little red book of recipes is included in every gift box.',
  'Pickup code {d6} at the parcel locker, valid for 24 hours.',
  'Your card ending {d4} has been refunded {price}.',
  'The museum is closed on Mondays; tickets are {price} for adults.',
  'Sorry, that train is sold out. You can join the waiting list at {wlink}',
  'The QQ candy in your order is a free gift.',
  'What you get: travel mug • gift box • care card.',
  'The installer puts everything in C:\\Program Files\\Weibo Tool, and logs go to the logs folder.',
  'Welcome to Muzi·Studio! Our new hours are {time}.',
  'Our only official account is this verified Weibo account.',
  'We will never ask you to add us on WeChat.',
];

const TW = [
  '{who}，您的訂單 {order} 已出貨，預計{date}送達。',
  '親，退款 {price} 已原路退回，請留意帳戶。',
  '門市地址：台北市信義區松仁路 100 號 5 樓，營業時間 {time}。',
  '我們支援信用卡、Apple Pay 和 LINE Pay，暫不支援微信支付。',
  '請把 App 更新到 {version}，舊版本會閃退。',
  '附件 {invoice} 是電子發票，請查收。',
  '歡迎關注我們的微博，新品資訊第一時間發佈。',
  '本店沒有開設其他平台帳號，請認明官方微博。',
  '客服專線 {phone}，週一至週五 9:00-18:00。',
  '這款{product}目前特價 {price}，{date}截止。',
  '為新用戶準備了見面禮，註冊即可領取。',
  '衛星定位功能需要在戶外使用才比較準確。',
  '保固一年，憑訂單編號 {order} 申請維修。',
  '感謝您的耐心等候，已為您登記換貨。{emoji}',
  '您好，商品已寄出，黑貓宅急便單號 {num}{num}。',
  '請問您需要開立統一編號嗎？',
  '此商品不適用七天鑑賞期，敬請見諒。',
  '門市自取請攜帶取貨簡訊和證件。',
  '我們在小紅書沒有帳號，請小心假冒。',
  '{product}目前缺貨，預計{date}補貨，到貨會通知您。',
  '運費 {twcoupon}，滿 1,000 元免運。',
  '請在「設定-關於本機」確認系統版本是否為 {version}。',
  '已收到您寄回的{product}，檢測後三個工作天內退款。',
  '頭條新聞說的颱風停班停課，門市當天會暫停營業。',
  '抖動的問題請更新韌體到 {version}。',
  '快遞員會在{time}前送達，請保持電話 {phone} 暢通。',
  '官方網站：{wlink}',
  '航班 {flight} 延誤，請在 App 內改簽，不收手續費。',
  '您的電信帳單金額 {price}，繳費期限 {date}。',
  '我們的西瓜是花蓮產的，{price} 一顆。',
  '掛號成功：{date} {time}，請提前 15 分鐘報到。',
  '包裹已到超商，取貨時請出示末三碼。',
  '這週末門市有周年慶活動，全館 85 折。',
];

// English and Traditional templates are written with the common slot names; they take
// their own pools so a reply never mixes scripts by accident.
const EN_SLOTS = { color: 'encolor', city: 'encity', date: 'endate', time: 'entime', address: 'enaddress', region: 'enregion', courier: 'encourier', discount: 'endiscount', track: 'entrack', price: 'enprice', version: 'enversion' };
const TW_SLOTS = { date: 'twdate', time: 'twtime', product: 'twproduct', who: 'twwho', price: 'twprice' };
const remap = (list, slots) => list.map((t) => t.replace(/\{(\w+)\}/g, (m, k) => (slots[k] ? `{${slots[k]}}` : m)));
const EN_T = remap(EN, EN_SLOTS);
const TW_T = remap(TW, TW_SLOTS);

function textOf(tpl) {
  const body = fill(tpl);
  return body.replace(/\s+$/u, '');
}

// A few ways of wrapping the same reply: a greeting or closing around the body.
function compose(list) {
  const tpl = pick(list);
  const body = textOf(tpl);
  const r = rand();
  if (tpl.includes('{close}')) return body;
  if (list === ZH && r < 0.25 && /[\p{L}\p{N}]$/u.test(body)) return body + '。' + fill('{close}');
  if (list === ZH && r < 0.4) return body + fill('{close}');
  return body;
}

const rows = [];
const seen = new Set();
let rid = 3300000000n;
const recv = () => String((rid += 104729n));
while (rows.length < TARGET) {
  const r = rand();
  const list = r < 0.62 ? ZH : r < 0.88 ? EN_T : TW_T;
  const text = compose(list).trim();
  if (seen.has(text)) continue;
  seen.add(text);
  const id = `o-${String(rows.length + 1).padStart(4, '0')}`;
  const shape = rand();
  let message;
  if (shape < 0.86) message = { type: 'text', data: { text }, receiver_id: recv() };
  else if (shape < 0.93) {
    const title = pick(['新品上市', '物流通知', '售后说明', 'Order update', '活动预告', '服务指南', '会员福利']);
    message = { type: 'articles', data: { articles: [{ display_name: title, summary: text, image: pick(['https://wx1.sinaimg.cn/large/006aBc1ly1h.jpg', 'https://wx2.sinaimg.cn/mw690/7cE2xPqgy1g.png']), url: pick(S.wlink) }] }, receiver_id: recv() };
  } else if (shape < 0.97) message = `type=text&data=${encodeURIComponent(JSON.stringify({ text }))}&receiver_id=${recv()}`;
  else message = JSON.stringify({ type: 'text', data: { text }, receiver_id: recv() });
  rows.push(JSON.stringify({ id, message }));
}
const output = rows.join('\n') + '\n';
if (process.argv.includes('--check')) {
  const current = readFileSync(OUT, 'utf8');
  if (current !== output) {
    console.error('ordinary.jsonl is not what gen-ordinary.mjs writes: run node test/corpus/gen-ordinary.mjs');
    process.exit(1);
  }
} else {
  writeFileSync(OUT, output);
  console.log(`wrote ${rows.length} lines to ${OUT}`);
}
