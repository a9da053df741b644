/**
 * Pinyin (without tones) of characters common in village names, for the gateway id `vgw init` proposes
 * (`{township}-{village pinyin}-{nn}`, e.g. 谢家峪 → xiejiayu). A small table instead of a dictionary
 * package: an unknown character makes init ask for the id (or `--gateway-id`) rather than guess.
 */
const TABLE: Record<string, string> = Object.fromEntries(
  `
an:安岸 bai:白柏百 bao:堡宝包 bei:北 ben:本 bian:边 cai:蔡 cao:曹草 chang:长常场昌 chen:陈 cheng:程城成 chi:池 chong:崇 cui:崔 cun:村 da:大 dai:戴 dao:道岛 deng:邓 di:地 dian:店甸 ding:丁 dong:东董洞 du:杜渡 duan:段 dui:堆 er:二 fan:范 fang:方坊房 feng:冯凤丰峰枫 fu:傅福富府 gang:岗港 gao:高 ge:葛 gong:龚宫 gou:沟 gu:顾古谷 guan:官关 guo:郭国 hai:海 han:韩 he:何河和贺荷 hei:黑 hong:红洪 hou:侯后 hu:胡湖虎 hua:花华 huai:槐 huang:黄 hui:回 huo:霍 ji:集吉 jia:家贾 jiang:江姜蒋 jin:金 jing:井京 kang:康 kong:孔 kou:口 lai:赖 lao:老 lei:雷 li:李里黎梨 liang:梁凉 lin:林 ling:岭 liu:刘柳六 long:龙 lou:楼 lu:卢陆路鹿 luo:罗 lv:吕 ma:马 mao:毛 men:门 meng:孟 miao:庙苗 ming:明 nan:南 ning:宁 niu:牛 pan:潘 peng:彭 ping:平坪 pu:铺浦 qi:七齐 qian:前钱 qiao:乔桥 qin:秦 qing:青清 qiu:邱 quan:泉 ren:任 san:三 sang:桑 shan:山 shang:上 shao:邵 shen:沈 shi:石史十 shou:寿 shuang:双 shui:水 si:四寺 song:宋松 su:苏 sun:孙 tai:太台 tan:谭 tang:唐汤塘 tao:桃陶 tian:田天 tie:铁 tou:头 tun:屯 wan:万湾 wang:王旺 wei:魏 wen:文温 wu:吴武五 xi:西溪 xia:夏下 xiang:乡 xiao:萧小 xie:谢 xin:新 xing:兴 xu:徐许 xue:薛 yan:阎严 yang:杨阳羊 yao:姚 ye:叶 yi:一易 yin:尹银 ying:营 yong:永 you:尤 yu:于余峪榆 yuan:袁园 yue:岳 zhai:寨 zhang:张 zhuang:庄 zhao:赵 zheng:郑 zhen:镇 zhong:中钟 zhou:周洲 zhu:朱 zou:邹
`
    .trim()
    .split(/\s+/)
    .flatMap((entry) => {
      const [sound, chars] = entry.split(':') as [string, string];
      return [...chars].map((c) => [c, sound]);
    }),
);

/** `name` in pinyin letters (`谢家峪` → `xiejiayu`, ASCII kept lowercased); null when a character is not in the table. */
export function pinyinOf(name: string): string | null {
  let text = '';
  for (const ch of name.trim()) {
    // "村" (village) and spaces add nothing to an id: 东王庄村 → dongwangzhuang.
    if (/[\s村]/.test(ch) && text) continue;
    if (/[a-z0-9]/i.test(ch)) text += ch.toLowerCase();
    else if (TABLE[ch]) text += TABLE[ch];
    else return null;
  }
  return text || null;
}
