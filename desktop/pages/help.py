"""帮助: what each assessment means and where its numbers come from, how to fill the form and
import a park's sheet, how classes are decided, the keyboard shortcuts, and the questions a
firm's 财务 or a park clerk asks. One page of text with a list of topics beside it; F1 and
other pages open it at a topic (``show_topic``).

No threshold is written here: numbers live in the profile and are shown, with their citations,
on 规则与依据 — the text points there, so it stays right when a county's profile changes."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QListWidget, QTextBrowser, QWidget

from desktop.context import AppContext

# anchor → title, in the order of the page
TOPICS: dict[str, str] = {
    "intro": "使用前须知",
    "assessments": "六项评估是什么",
    "mujun": "　亩均效益分类",
    "green": "　节能审查绿色通道",
    "sme": "　专精特新梯度培育",
    "rectification": "　高耗低效整治",
    "digital": "　数字化认定",
    "carbon": "　工业碳效",
    "sources": "数字从哪里来",
    "form": "怎样填企业自评表",
    "import": "怎样导入园区表格",
    "classes": "分类怎样决定",
    "shortcuts": "快捷键",
    "faq": "常见问题",
}

SHORTCUTS = (("F1", "打开帮助"), ("F5 或 Enter", "评估（企业自评页）"), ("Ctrl+S", "保存到数据库"),
             ("Ctrl+P", "打印自评报告"), ("Ctrl+N", "新建一份填报"), ("Ctrl+O", "打开已保存的企业"))

FAQ = (
    ("为什么只有得分，没有 A/B/C/D 分类？",
     ("分类是企业在本县（园区）同类企业中的排名，一家企业单独填报时没有可比的企业。有两种办法得到分类："
     "在“批量导入”导入园区全部企业的数据，按排名分类；或在“规则与依据”点“载入配置文件……”，载入园区或县里"
     "发布的基准值与得分线，按得分线分类。没有分类时，结果卡片会写明原因。")),
    ("不知道的数据可以填 0 吗？",
     ("不要填 0。0 是一个真实的数值，会让亩均税收、单位能耗增加值等算错。不知道就留空，程序记为“未知”，"
     "结果会列出缺了哪些数据；标有“计分必填”的项缺了，就算不出亩均效益得分。")),
    ("“实缴税金”填哪个数？",
     "填县里评价用的税收实际贡献（实缴税金），单位万元。口径以本县评价办法为准，不清楚时请问县经信局或园区。"),
    ("用地面积怎么填？",
     ("填自有加租入、实际使用的土地面积，单位亩，必须大于 0。按平方米统计的，换算成亩后再填；"
     "导入园区表格时，表头写明“平方米”“公顷”的列会自动换算。")),
    ("只知道用电量、用气量，不知道综合能耗怎么办？",
     ("“综合能耗（等价值）”留空，在“能源”页填各能源品种的用量，程序按国家标准的折标系数折算，"
     "并扣除原料用能。电力的等价值折标系数是可修改的默认值，所用系数和出处见“规则与依据”。")),
    ("自评结果和县里公布的不一样，以哪个为准？",
     ("以县（市、区）主管部门公布的为准。本程序按公开的政策口径和所选配置估算；县里的办法还可能有加减分、"
     "调档、当年才公布的基准值等，都会使结果不同。结果中每一条都注明了所用参数和出处，可逐条核对。")),
    ("导入时有些行被拒绝了，怎么改？",
     ("在“批量导入”的“被拒绝的单元格”中双击一行，这家企业会带着原值打开在“企业自评”里，改正标红的字段后"
     "保存即可。也可以点“导出错误报告……”，把标红并写明原因的工作簿交给企业改正，再重新导入。")),
    ("统一社会信用代码显示成 9.13310E+17，导入被拒绝了？",
     ("这是 Excel 把代码存成了数字，后几位已经丢失，程序无法还原。请把该列设为“文本”格式后重新粘贴代码"
     "（或在代码前加英文单引号 '），再导入。")),
    ("示例园区的数据会混进我的数据吗？",
     "不会。示例企业是程序随机生成的，在数据库中单独标记，不与真实企业一起排名；在“开始”页随时可以移除。"),
    ("数据存在哪里？怎样备份？",
     ("数据只保存在这台电脑上，位置见“设置”中的数据文件夹。在“设置”点“备份数据库……”可得到一个备份文件，"
     "建议每次导入新一年数据前备份一次。")),
)


def _section(anchor: str, title: str, body: str, level: int = 2) -> str:
    return f"<a name='{anchor}'></a><h{level}>{title}</h{level}>{body}"


def _list(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


class HelpPage(QWidget):
    title = "帮助"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        lay = QHBoxLayout(self)
        self.topics = QListWidget()
        self.topics.setMaximumWidth(200)
        for title in TOPICS.values():
            self.topics.addItem(title)
            self.topics.item(self.topics.count() - 1).setToolTip(title.strip())
        self.topics.currentRowChanged.connect(
            lambda row: row >= 0 and self.show_topic(list(TOPICS)[row]))
        lay.addWidget(self.topics)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.document().setDefaultStyleSheet(
            "h1 { font-size: 22px; } h2 { font-size: 18px; color: #1F2933; } "
            "h3 { font-size: 15px; color: #1F2933; } p, li { line-height: 140%; } "
            "td { padding: 3px 10px; } .muted { color: #5F6B7A; }")
        lay.addWidget(self.browser, 1)
        ctx.profile_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the text (it names the active profile), keeping the reader's place."""
        bar = self.browser.verticalScrollBar()
        at = bar.value()
        self.browser.setHtml(self.html())
        bar.setValue(at)

    def show_topic(self, anchor: str) -> bool:
        """Scroll to a section (an anchor of ``TOPICS``); False when there is no such topic."""
        if anchor not in TOPICS:
            return False
        self.browser.scrollToAnchor(anchor)
        row = list(TOPICS).index(anchor)
        if self.topics.currentRow() != row:
            self.topics.blockSignals(True)
            self.topics.setCurrentRow(row)
            self.topics.blockSignals(False)
        return True

    def html(self) -> str:
        p = self.ctx.profile
        min_cohort = p.value("mujun.min_cohort")
        pool = f"（现在的配置为 {min_cohort} 家）" if min_cohort else ""
        parts = [
            "<a name='intro'></a><h1>亩均自评 帮助</h1><h2>使用前须知</h2>",
            ("<p class='muted'>本程序按公开政策口径离线估算，结果是<b>自评估算</b>，实际评价结果以县（市、区）"
            f"主管部门公布的为准。现在按“{p.name}”评价，可在“设置”中更换配置和评估日期。</p>"),
            _section("assessments", "六项评估是什么",
                     "<p>填一次企业数据，同时得到六项评估。每一项都列出每个条件、所用数据、比较的门槛、"
                     "差距和政策出处；点出处可跳到“规则与依据”中的那一条。</p>"),
            _section("mujun", "亩均效益分类", "<p>按《浙江省人民政府关于深化“亩均论英雄”改革的指导意见》"
                     "（浙政发〔2018〕5号）和县里的评价办法，把工业企业分为 A、B、C、D 四类"
                     "（各类名称以县里办法为准），分类结果关系到用地、用电、用水、用气、排污等资源要素的差别化政策。</p>"
                     + _list("规上企业看六项指标：亩均税收、亩均增加值、单位能耗增加值、单位排放增加值、"
                             "全员劳动生产率、R&amp;D经费占比。",
                             "规下企业（用地达到配置规定面积的）看两项：亩均税收、单位电耗税收。",
                             "得分 = Σ 权重 ×（指标值 ÷ 基准值）；权重和基准值来自县里的评价办法。",
                             "未投产、新成立、新取得土地不满规定年限的企业，以及电力、热力、燃气及水生产和供应业，"
                             "参评但不分类；非工业企业不在评价范围。具体年限见“规则与依据”。",
                             "各县办法不同：县级配置可选用其他指标（如亩均营业收入）、按参评企业计算基准值、"
                             "分组比例、分行业组排名、加减分和调档。结果会列出指标合计得分、每项加减分和综合得分，"
                             "以及初评等级和调档后的等级与理由。"), 3),
            _section("green", "节能审查绿色通道",
                     "<p>按《浙江省人民政府关于高质量发展建设全球先进制造业基地的指导意见》十（三），"
                     "达产年单位工业增加值能耗低于规定值的新上项目，在节能审查中走“绿色通道”，"
                     "前提是所在地能确保完成能耗“双控”目标。</p>"
                     + _list("每个项目单独判断：项目年综合能耗 ÷ 达产年工业增加值，与门槛比较（门槛见“规则与依据”）。",
                             "等价值、当量值两种口径都算；两者结论不同时，按较严格的等价值。",
                             "所在地双控完成情况为“否”时不能享受；“未知”时按可享受处理，并提示企业无法自行核实。"),
                     3),
            _section("sme", "专精特新梯度培育",
                     "<p>优质中小企业梯度：创新型中小企业 → 专精特新中小企业 → 专精特新“小巨人”企业。"
                     "按评估日期选用规则：2026 年 4 月 1 日前用《优质中小企业梯度培育管理暂行办法》"
                     "（工信部企业〔2022〕63号），此后用《优质中小企业梯度培育管理办法》（工信部企业〔2026〕2号）。"
                     "评估日期在“设置”中修改。</p>"
                     + _list("逐条列出每一档的条件、是否满足、差距；上一档的称号是下一档的前提。",
                             "同时给出中小企业规模（《中小企业划型标准规定》）、科技型中小企业评价和高新技术企业"
                             "研发费用比例的参考判断。"), 3),
            _section("rectification", "高耗低效整治",
                     "<p>按《2022年传统制造业改造提升工作要点》（浙转升办〔2022〕5号），对制造业中的规上企业和"
                     "用地达到规定面积的规下企业，判断是否可能列入高耗低效企业整治名单：亩均效益 D 类、"
                     "亩均税收过低、规下企业占地大等。省里未公布统一门槛，默认值取湖州市 2021 年“三低”企业认定标准，"
                     "县级配置可以修改，数值见“规则与依据”。</p>", 3),
            _section("digital", "数字化认定",
                     "<p>由数字化水平评测得分定出工信部数字化水平等级（《中小企业数字化水平评测指标（2022年版）》），"
                     "再对照浙江省数字化车间、智能工厂、未来工厂的认定条件（浙经信产数〔2025〕174号）："
                     "数字化水平等级、近五年数字化软硬件投入（不含土建）、信用等级。山区海岛县的投入门槛较低；"
                     "“未来工厂”的其余条件未编入程序，结果中会说明。</p>", 3),
            _section("carbon", "工业碳效",
                     "<p>按《2022年传统制造业改造提升工作要点》二（三）“加快工业碳效码推广”和浙江省地方标准"
                     " DB33/T 1347—2023，由用电量和各类燃料估算二氧化碳排放量。</p>"
                     + _list("外购电力按当年浙江省电力平均二氧化碳排放因子（按数据年度选用），燃料按国家温室气体"
                             "核算指南的缺省值；未填写的能源品种按未使用计。",
                             "碳排放强度 = 二氧化碳排放量 ÷ 工业增加值（吨/万元）；按强度分低、中、高三个等级。",
                             "与同行业平均强度相比定 1–5 级：行业平均取本批同行业企业（不少于配置规定家数），"
                             "或园区发布的文件；都没有时只给等级，并说明原因。",
                             "分级数值取自标准出台前的湖州办法（标准原表未见），结果中会说明。"), 3),
            _section("sources", "数字从哪里来",
                     "<p>程序里没有写死的门槛。每个权重、基准值、得分线、门槛和折标系数都是“配置”里的一个参数，"
                     "带有取值、单位、生效日期、出处（文件、文号、条款）和可信度。"
                     "在左侧导航的<b>“规则与依据”</b>中可以逐条查看；结果中点任何一条依据也会跳到那里。</p>"
                     + _list("省里的统一口径是基础配置，县里的评价办法（权重、基准值、得分线等）是在它之上的县级配置。",
                             "园区或县里可用“发布本园区基准值与得分线……”把本批企业算出的基准值和得分线存成配置文件，"
                             "企业用“载入配置文件……”载入后，就能按本地的真实数字自评。",
                             "评估日期决定适用哪一版规则；在“设置”中修改。")),
            _section("form", "怎样填企业自评表",
                     _list("<b>未知留空</b>：不知道的数据留空，不要填 0。留空的项记为“未知”，结果会列出缺了哪些数据。",
                           "<b>单位</b>写在输入框右侧：金额万元，用地亩，能耗吨标准煤，用电万千瓦时。只填数字，"
                           "不要带单位；按元、平方米统计的请先换算。",
                           "<b>* 必填</b>：企业名称、统一社会信用代码、数据年度，缺了不能评估。",
                           "<b>计分必填</b>：缺了算不出亩均效益得分的项（用地、税金、增加值、能耗、职工人数、"
                           "研发费用等，规上和规下企业所需不同，鼠标停在标签上可看说明）。",
                           "字段旁的小标签（亩均、绿色通道、梯度、整治、数字化）表示这一项用于哪项评估；"
                           "只关心某一项评估时，填带有它的标签的字段即可。",
                           "<b>国民经济行业代码</b>：输入代码或名称中的几个字（如“3311”或“金属结构”），"
                           "从列表中选择，框里留下代码，下方显示行业名称。",
                           "<b>所在县（市、区）</b>：可以直接输入；山区 26 县可从列表选择。“是否山区海岛县”留空时"
                           "按所在县判断，并在下方写明理由；海岛县不在名单中，请自己选“是”。",
                           "<b>新上项目</b>：每行一个项目；“所在地能耗双控目标完成情况”不清楚时选“未知”。",
                           "每个字段输入时就检查，有错会标红并说明原因；填写内容自动保存为草稿。")),
            _section("import", "怎样导入园区表格",
                     _list("在“批量导入”选择或拖入表格（.xlsx、.xls、.et、.ods、.csv）。也可先“下载导入模板……”照着填。",
                           "<b>标题行</b>不必删除：表头可以在前 15 行内，合并的标题、多行表头、分组表头都能识别。",
                           "<b>表头里的单位</b>会被读取并换算：如“实缴税金（元）”“用地面积（平方米）”会换算成万元、亩；"
                           "认不出的单位整列不用，并写明原因。列的顺序不限，不认识的列忽略并列出。",
                           "先检查、后导入：“导入报告”列出每一列对应到哪一项、怎样换算，以及有效、被拒绝、"
                           "跳过（合计、小计、说明行等）的行数；认错了列可点“调整列对应……”。",
                           "<b>被拒绝的行</b>逐格列出工作表、行号、列和原因。改正办法：双击一行，在“企业自评”中改正后保存；"
                           "或“导出错误报告……”交企业改正后重新导入。有效的行点“导入有效数据并评估”一次存入。",
                           "同一企业同一年度再次导入时覆盖旧数据，旧数据存入历史；导入有误可以撤销该批导入。")),
            _section("classes", "分类怎样决定",
                     _list("<b>按排名</b>：同一年度、同一配置下，同类（规上、规下分开）企业达到配置规定的最少家数"
                           f"{pool}时，按得分在园区这些企业中的排名定 A、B、C、D，各类所占比例见“规则与依据”。",
                           "<b>按得分线</b>：企业不够排名时，如果配置里有县里或园区公布的得分线，按得分线定类。",
                           "两者都没有时只给出得分，不给分类，并写明原因和得到分类的办法。",
                           "<b>示例数据不与真实企业混排</b>：示例园区的企业是合成的，只和示例企业一起排名；"
                           "排名所用的企业中有示例企业时，结果会写明。",
                           "结果会说明按哪种方式分类，以及各项指标提高（或能耗降低）多少能升一档。")),
            _section("shortcuts", "快捷键",
                     "<table>" + "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>"
                                         for k, v in SHORTCUTS) + "</table>"),
            _section("faq", "常见问题",
                     "".join(f"<h3>{q}</h3><p>{a}</p>" for q, a in FAQ)),
            "<p>&nbsp;</p>" * 12,  # room to scroll the last section to the top
        ]
        return "".join(parts)
