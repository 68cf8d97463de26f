"""The demo city's past: some seventy cases of the last four months, played
through the same services as the site's pages, with the clock set back to
each step's moment (time-machine), so every deadline, tally, ledger entry
and history row is what the portal itself would have written."""

import datetime
from dataclasses import dataclass, field

import time_machine
from django.utils import timezone

from accounts.models import Department, User
from petitions.lifecycle import Status
from petitions.models import Case, Category, Channel, Kind, Region, RejectionReason, Urgency
from petitions.services import case_record_for_citizen, case_submit
from publication.services import publication_approve
from responses import services as responses
from signatures.models import PetitionSettings
from signatures.services import confirmation_token, petition_open, signature_confirm, signature_start
from supervision import services as supervision
from supervision.models import ClockKind, ClockState, Feedback, SupervisionClock
from supervision.scan import scan

DAY = 24.0
SATISFIED, BASIC, UNSATISFIED = (Feedback.Satisfaction.SATISFIED, Feedback.Satisfaction.BASICALLY_SATISFIED,
                                 Feedback.Satisfaction.UNSATISFIED)

# The demo public: citizen@ (printed with the staff accounts) and five more.
CITIZENS = [
    ("citizen@wenzheng.example", "张市民"),
    ("liu.min@wenzheng.example", "刘敏"),
    ("chen.jie@wenzheng.example", "陈杰"),
    ("huang.li@wenzheng.example", "黄丽"),
    ("zhou.qiang@wenzheng.example", "周强"),
    ("emma.clark@wenzheng.example", "Emma Clark"),
]

# A demo city signs in its hundreds, not its thousands: the thresholds a
# new petition copies, small enough for the demo petition to have crossed.
DEMO_RESPONSE_THRESHOLD = 50
DEMO_HEARING_THRESHOLD = 500

K = Kind
# days ago, hour, author (index into CITIZENS, or "phone"), kind, category, region, public, fate, title, body.
# Fates are played by `_play` below; "merge:N" merges into the N-th case of this list.
CASES = [
    (118, 9, 1, K.COMPLAINT, "urban-noise", "dongcheng-donghuamen", True, "rated:satisfied",
     "小区旁工地夜间施工噪音扰民",
     "东华门街道某小区东侧工地连续一周夜间十一点后仍在施工，打桩声影响居民休息，请有关部门核查。"),
    (116, 14, 2, K.CONSULTATION, "housing-property", "xicheng-jinrongjie", True, "rated:satisfied",
     "物业费调价需要经过什么程序", "我们小区物业通知明年起物业费上调，请问调价需要业主大会同意吗？有什么程序？"),
    (114, 10, 3, K.COMPLAINT, "environment-air", "xicheng-xinjiekou", True, "rated:basically_satisfied",
     "餐馆油烟直排影响居民", "新街口某餐馆油烟未经净化直接排放，楼上住户窗户无法打开，请督促安装油烟净化设施。"),
    (112, 16, "phone", K.HELP, "employment-wages", "dongcheng-jingshan", False, "visit:satisfied",
     "装修工人被拖欠三个月工资", "来电人反映在景山街道某装修工程务工，包工头拖欠三个月工资共两万余元，请求帮助追讨。"),
    (110, 11, 4, K.SUGGESTION, "transport-public", "city", True, "rated:satisfied",
     "建议增开早高峰社区接驳公交", "地铁站到我们小区有两公里，早高峰打车困难，建议增开一条社区接驳公交线路。"),
    (108, 9, 0, K.CONSULTATION, "education", "dongcheng", True, "rated:satisfied",
     "非本市户籍子女如何办理入学", "我在本市工作五年，孩子明年上小学，请问需要准备哪些材料，什么时候登记？"),
    (106, 15, 5, K.COMPLAINT, "transport-roads", "xicheng", True, "late:basically_satisfied",
     "Potholes on the road outside the school",
     "The road outside the primary school on Xinjiekou South Street has several deep potholes. "
     "Cyclists swerve into traffic to avoid them."),
    (104, 10, 1, K.COMPLAINT, "consumer-food", "dongcheng-donghuamen", True, "rated:satisfied",
     "超市销售过期酸奶", "在东华门附近某超市购买的酸奶已过保质期三天，与超市协商无果，请市场监管部门处理。"),
    (102, 13, 2, K.HELP, "health", "city", True, "rated:satisfied",
     "老人异地就医如何备案", "父亲退休后随我在本市居住，请问在本市看病如何办理异地就医备案，能直接结算吗？"),
    (100, 9, 3, K.COMPLAINT, "urban-sanitation", "xicheng-jinrongjie", True, "rated:unsatisfied",
     "垃圾桶满溢无人清运", "金融街某胡同口垃圾桶连续几天满溢，气味很大，希望增加清运频次。"),
    (98, 17, "phone", K.CONSULTATION, "housing", "dongcheng", False, "visit:basically_satisfied",
     "公租房申请条件咨询", "来电人咨询公共租赁住房的申请条件、收入标准和轮候时间。"),
    (96, 10, 4, K.COMPLAINT, "urban-construction", "dongcheng-jingshan", True, "rated:satisfied",
     "楼顶私搭乱建存在安全隐患", "景山街道某楼顶有住户私自加盖彩钢房，担心影响楼体安全，也遮挡了邻居采光。"),
    (94, 14, 0, K.SUGGESTION, "urban", "city", True, "rated:satisfied",
     "建议在公园增设无障碍通道", "城市公园主入口只有台阶，推轮椅和婴儿车的市民进出很不方便，建议增设坡道。"),
    (92, 11, 1, K.COMPLAINT, "environment-water", "xicheng", True, "extension:satisfied",
     "河道有异味疑似污水直排", "西城区某段河道近期发黑发臭，岸边能看到排水口在排放浑浊污水，请查明来源。"),
    (90, 9, 2, K.CONSULTATION, "employment", "city", True, "unevaluated",
     "灵活就业人员如何缴纳社保",
     "我是自由职业者，想以灵活就业身份缴纳养老和医疗保险，请问在哪里办理、缴费标准是多少？"),
    (88, 15, 3, K.COMPLAINT, "urban-noise", "xicheng-xinjiekou", True, "rated:satisfied",
     "广场舞音响音量过大", "新街口某小广场每晚广场舞音响音量很大，一直持续到十点，请协调控制音量和时间。"),
    (86, 10, 5, K.CONSULTATION, "transport-public", "city", True, "rated:satisfied",
     "Can foreign residents get a senior bus pass?",
     "My mother is 68 and lives with us on a family visa. Can she apply for the free senior bus pass, "
     "and what documents does she need?"),
    (84, 16, 4, K.COMPLAINT, "consumer", "city", True, "rated:basically_satisfied",
     "健身房关门无法退卡", "办理的健身年卡还剩八个月，健身房突然关门，联系不上经营者，请求帮助维权。"),
    (82, 9, 1, K.HELP, "housing-property", "dongcheng-donghuamen", True, "rated:satisfied",
     "老旧小区电梯频繁故障", "我们楼的电梯一个月内停运四次，楼里有多位老人出行困难，请督促尽快维修或更换。"),
    (80, 13, 0, K.COMPLAINT, "transport-roads", "dongcheng", True, "rated:satisfied",
     "路口信号灯配时不合理", "东城区某十字路口左转绿灯只有十秒，每次只能过三四辆车，早晚高峰排队很长。"),
    (78, 10, 2, K.COMPLAINT, "urban-sanitation", "dongcheng-jingshan", True, "rated:unsatisfied-reopen-done",
     "公厕长期无人打扫", "景山街道某公共厕所卫生很差，洗手池没有水，反映过一次仍未改善。"),
    (76, 14, 3, K.CONSULTATION, "health", "xicheng", True, "unevaluated",
     "儿童疫苗接种预约方式", "孩子需要接种流感疫苗，请问西城区社区卫生服务中心可以网上预约吗？"),
    (74, 11, "phone", K.COMPLAINT, "employment-wages", "xicheng", False, "visit:unreachable",
     "餐饮店拖欠服务员工资", "来电人反映在西城区某餐饮店工作两个月，离职后工资一直未结清。"),
    (72, 9, 4, K.SUGGESTION, "environment", "city", True, "rated:satisfied",
     "建议推广社区厨余垃圾就地处理", "建议在有条件的小区试点厨余垃圾就地处理设备，减少清运压力。"),
    (70, 15, 1, K.COMPLAINT, "urban-noise", "dongcheng-donghuamen", True, "rated:basically_satisfied",
     "酒吧深夜音乐声过大", "东华门附近某酒吧每晚音乐声很大，凌晨一两点还能听到，严重影响休息。"),
    (68, 10, 0, K.COMPLAINT, "urban-construction", "xicheng-jinrongjie", False, "rerouted:satisfied",
     "商铺占用消防通道堆放杂物", "金融街某底商长期在消防通道堆放货物，消防车无法通行，存在安全隐患。"),
    (66, 13, 2, K.CONSULTATION, "education", "xicheng", True, "rated:satisfied",
     "课后服务收费标准", "学校通知开展课后服务并收取费用，请问收费标准是怎么规定的？可以自愿参加吗？"),
    (64, 9, 5, K.COMPLAINT, "environment-air", "dongcheng", True, "rated:satisfied",
     "Dust from a demolition site",
     "A demolition site in Dongcheng has no dust netting. Our balconies are covered in grey dust every day."),
    (62, 16, 3, K.HELP, "housing", "xicheng-xinjiekou", True, "rated:satisfied",
     "楼道照明损坏多日", "新街口某小区三号楼楼道灯坏了一个多月，晚上上下楼很危险，物业一直没修。"),
    (60, 10, 4, K.COMPLAINT, "consumer-food", "xicheng", True, "late:unsatisfied",
     "外卖商家无证经营", "在外卖平台点餐的一家店铺实际地址是居民楼，没有营业执照，卫生条件堪忧。"),
    (58, 11, 1, K.SUGGESTION, "transport", "city", True, "rated:satisfied",
     "建议完善共享单车停放区", "地铁口共享单车乱停乱放，挤占盲道，建议划定停放区并加强管理。"),
    (56, 14, 0, K.COMPLAINT, "urban-sanitation", "dongcheng-donghuamen", True, "unevaluated",
     "早市散场后垃圾遍地", "东华门某早市散场后垃圾没人清理，一直到下午都很脏。"),
    (54, 9, 2, K.CONSULTATION, "employment", "city", True, "rated:satisfied",
     "失业保险金申领条件", "公司裁员，我已缴纳失业保险四年，请问可以领取多长时间的失业保险金，怎么申请？"),
    (52, 15, "phone", K.HELP, "health", "dongcheng", False, "visit:satisfied",
     "独居老人家庭医生签约", "来电人为独居老人，希望签约家庭医生，请求提供上门服务。"),
    (50, 10, 3, K.COMPLAINT, "housing-property", "xicheng-jinrongjie", True, "rated:basically_satisfied",
     "物业擅自占用公共绿地做停车位", "小区物业把楼前绿地改成收费停车位，没有征求业主意见。"),
    (48, 13, 4, K.COMPLAINT, "transport-public", "city", True, "rated:satisfied",
     "公交车到站不停", "早上七点半在某公交站等车，连续两辆车没有停靠，司机直接开过去。"),
    (46, 9, 1, K.COMPLAINT, "environment-water", "dongcheng", True, "rated:unsatisfied-reopen-done",
     "小区二次供水水质浑浊", "我们小区自来水最近经常发黄，烧开后有沉淀，怀疑二次供水水箱没有清洗。"),
    (44, 16, 5, K.SUGGESTION, "urban", "city", True, "rated:satisfied",
     "More benches along the river walk",
     "The new river walk is lovely but there is nowhere to sit for almost two kilometres. "
     "Older walkers would appreciate benches."),
    (42, 10, 0, K.CONSULTATION, "housing", "city", True, "rated:satisfied",
     "住房公积金提取用于租房", "请问租房可以提取住房公积金吗？每月能提取多少？需要什么材料？"),
    (40, 14, 2, K.COMPLAINT, "urban-noise", "xicheng-xinjiekou", True, "rated:satisfied",
     "商铺门口大喇叭循环播放广告", "新街口某服装店门口喇叭全天循环播放促销广告，声音很大。"),
    (38, 9, 3, K.COMPLAINT, "employment-wages", "city", False, "overdue-order",
     "快递公司克扣工资", "我在某快递站点工作，公司以各种名义扣发工资，每月被扣一千多元，请求调查。"),
    (36, 11, 4, K.COMPLAINT, "consumer", "dongcheng", True, "rated:basically_satisfied",
     "预付卡理发店跑路", "在东城区某理发店办了两千元的会员卡，店铺突然关门，很多顾客都受到损失。"),
    (34, 15, 1, K.HELP, "urban", "dongcheng-jingshan", True, "rated:satisfied",
     "人行道树木倒伏", "昨天大风后景山街道某人行道上一棵树倒伏，挡住了一半的人行道。"),
    (32, 10, 0, K.COMPLAINT, "urban-construction", "dongcheng-donghuamen", False, "merge:楼顶私搭乱建存在安全隐患",
     "楼顶违建还没拆", "之前反映的楼顶彩钢房还在，邻居也在问，请尽快处理。"),
    (30, 13, 2, K.SUGGESTION, "education", "city", True, "rated:satisfied",
     "建议学校开放体育场地", "建议周末和假期向周边居民有序开放学校操场，方便居民锻炼。"),
    (28, 9, 5, K.COMPLAINT, "transport-roads", "xicheng", False, "overdue-order-answered",
     "Broken street lights on Jinrong Street",
     "Five street lights in a row have been out for three weeks. The pavement is completely dark at night."),
    (26, 14, 3, K.COMPLAINT, "environment-air", "xicheng", True, "rated:satisfied",
     "工地车辆未苫盖沿路撒漏", "渣土车从工地出来没有苫盖，沿路撒漏，车辆经过尘土飞扬。"),
    (24, 10, 4, K.COMPLAINT, "other", "city", False, "rejected",
     "邻居家小孩太吵", "楼上邻居家孩子每天跑跳，我想让政府罚款。"),
    (22, 16, 1, K.CONSULTATION, "other", "city", True, "by-hand:satisfied",
     "社区志愿服务时长如何认证", "我在社区参加志愿服务，想知道服务时长在哪里登记和认证，可以出具证明吗？"),
    (6, 11, 0, K.COMPLAINT, "urban-noise", "dongcheng-donghuamen", True, "answered",
     "夜间渣土车通行噪音", "每天夜里两点左右有大量渣土车经过我家楼下，噪音和震动很大。"),
    (18, 9, 2, K.COMPLAINT, "health", "city", True, "rated:satisfied",
     "医院挂号难号源被倒卖", "某医院专家号一放出就没了，网上却有人高价转卖，请调查号源倒卖问题。"),
    (32, 15, 3, K.COMPLAINT, "consumer-food", "xicheng-xinjiekou", False, "overdue",
     "菜市场电子秤缺斤短两", "在新街口菜市场买菜，回家复称发现少了近一两，多个摊位都有这种情况。"),
    (14, 10, 4, K.COMPLAINT, "housing-property", "dongcheng", False, "approval-pending",
     "物业公司拒绝公开维修基金使用情况", "多次要求物业公布小区维修基金使用明细，物业一直推脱。"),
    (12, 14, 1, K.COMPLAINT, "urban-sanitation", "dongcheng-jingshan", True, "reopened",
     "小区门口垃圾站气味大", "垃圾站离住户太近，夏天气味很大，之前处理后没有明显改善。"),
    (11, 9, 0, K.HELP, "employment", "city", True, "rated:satisfied",
     "高校毕业生就业补贴申请", "我是今年的高校毕业生，听说小微企业吸纳毕业生有补贴，个人可以申请什么补贴吗？"),
    (10, 16, 2, K.COMPLAINT, "transport-roads", "dongcheng", False, "material",
     "道路施工后路面未恢复", "某路段管线施工结束一个月，路面仍是坑洼的临时回填，请督促恢复。"),
    (9, 11, 3, K.COMPLAINT, "other", "city", False, "returned-waiting",
     "小区充电桩收费过高", "小区新装的电动车充电桩每度电收费两元，比外面贵很多。"),
    (5, 10, 5, K.CONSULTATION, "education", "city", True, "answered",
     "How do I enrol my child in a public kindergarten?",
     "We moved to the city this autumn. How do we apply for a place in a public kindergarten for our "
     "three-year-old?"),
    (4, 9, 1, K.COMPLAINT, "urban-noise", "xicheng-xinjiekou", True, "answered",
     "KTV深夜噪音", "新街口某KTV每晚营业到凌晨，顾客离开时在楼下大声喧哗。"),
    (6, 14, 4, K.SUGGESTION, "environment", "city", False, "signed",
     "建议增设废旧电池回收点", "小区附近没有废旧电池回收点，建议在社区服务站设置。"),
    (5, 10, 0, K.COMPLAINT, "employment-wages", "dongcheng", False, "signed",
     "工程款纠纷导致工人欠薪", "东城区某工地总包拖欠分包工程款，工人已经两个月没有拿到工资。"),
    (5, 15, "phone", K.COMPLAINT, "urban-sanitation", "xicheng", False, "signed",
     "绿化带内堆放建筑垃圾", "来电人反映西城区某路段绿化带内被倾倒建筑垃圾。"),
    (4, 9, 2, K.COMPLAINT, "urban-noise", "dongcheng-donghuamen", False, "merge:夜间渣土车通行噪音",
     "又有渣土车夜间通行", "夜里渣土车又开始通行了，还是凌晨两点左右。"),
    (4, 11, 3, K.CONSULTATION, "transport-public", "city", True, "withdrawn",
     "地铁延长运营时间吗", "听说节假日地铁要延长运营时间，请问具体是哪些线路？"),
    (3, 10, 1, K.COMPLAINT, "consumer", "city", True, "waiting",
     "网购家电迟迟不发货", "在本市某电器商城网购冰箱，付款二十天仍未发货，客服不回应。"),
    (2, 16, 4, K.HELP, "health", "xicheng", False, "waiting",
     "社区卫生服务中心缺少常用药", "社区卫生服务中心经常缺少降压药，老人只能去大医院开药。"),
    (2, 9, 0, K.COMPLAINT, "other", "city", False, "centre",
     "快递驿站占用楼道", "单元楼一层被改成快递驿站，楼道堆满包裹，影响通行。"),
    (1, 10, 5, K.COMPLAINT, "transport", "city", False, "waiting",
     "Taxi refused a short trip",
     "A taxi at the railway station refused to take us to a hotel two kilometres away."),
    (1, 14, 2, K.CONSULTATION, "housing", "dongcheng", False, "waiting",
     "老旧小区加装电梯补贴", "我们楼想加装电梯，请问政府有补贴吗？需要多少住户同意？"),
]

# days ago, author, category, region, title, body, signatures
PETITIONS = [
    (40, 1, "transport-public", "dongcheng", "恳请在东直门开通夜间公交线路",
     "东直门一带有大量夜间工作的医护人员和服务业从业者，末班地铁之后没有公共交通，打车费用高。"
     "我们联名恳请交通部门研究开通一条夜间公交线路，覆盖东直门至主要居住区。", DEMO_RESPONSE_THRESHOLD + 12),
    (20, 3, "environment", "xicheng", "联名建议保留新街口街心公园",
     "新街口街心公园是周边居民唯一的休闲绿地。听说这里要改建为停车场，我们建议保留公园，"
     "另行规划停车设施，并在改建前公开征求居民意见。", 23),
]

REPLIES = {
    "urban": "经现场核查，情况属实。我委已责令相关责任单位限期整改，并安排执法人员加强巡查。",
    "transport": "经核实，我委已将您的意见转交运营单位研究，并将在近期调整相关设施和运营安排。",
    "environment": "经执法人员现场检查，已对相关单位立案调查并责令立即整改，后续将开展复查。",
    "housing": "经核实，我委已约谈物业服务企业，责令其按规定整改并向业主公开相关信息。",
    "consumer": "经调查，我局已对经营者立案查处，并督促其依法退还消费者款项。",
    "employment": "经核实，我局劳动保障监察部门已介入，督促用人单位依法支付劳动报酬。",
    "education": "根据本市有关规定，相关政策和办理流程已在我委网站公布，具体如下：请按通知准备材料并在规定时间内登记。",
    "health": "经核实，我委已督促相关医疗机构改进服务，并将加强监督检查。",
    "other": "经核实，已将您反映的问题交由属地街道协调处理。",
}
REPLY_EN = ("Thank you for writing. Our staff inspected the site, confirmed the problem and have arranged for it to be "
            "fixed. We will check again within two weeks; please write again if it is not resolved.")


@dataclass(order=True)
class Step:
    at: datetime.datetime
    order: int
    story: "Story" = field(compare=False)
    action: object = field(compare=False)


@dataclass
class Story:
    """One case's life: its steps run in time order among every other case's."""

    index: int
    title: str = ""
    case_id: int | None = None


class Demo:
    def __init__(self, now):
        self.now = now
        self.citizens = {}
        self.stories = []
        self.queue = []
        self.order = 0
        self.staff = {email: User.objects.get(email=email) for email in (
            "operator@wenzheng.example", "dispatcher@wenzheng.example", "supervisor@wenzheng.example",
            "moderator@wenzheng.example")}
        self.categories = {c.code: c for c in Category.objects.all()}
        self.regions = {r.code: r for r in Region.objects.all()}
        self.departments = {d.code: d for d in Department.objects.all()}

    # --- people -----------------------------------------------------------------------------

    def official(self, case, *, head=False):
        return (User.objects.filter(memberships__department_id=case.lead_department_id, memberships__is_head=head)
                .order_by("pk").first())

    @property
    def operator(self):
        return self.staff["operator@wenzheng.example"]

    @property
    def dispatcher(self):
        return self.staff["dispatcher@wenzheng.example"]

    @property
    def supervisor(self):
        return self.staff["supervisor@wenzheng.example"]

    @property
    def moderator(self):
        return self.staff["moderator@wenzheng.example"]

    # --- scheduling -------------------------------------------------------------------------

    def at(self, story, when, action):
        self.order += 1
        self.queue.append(Step(when, self.order, story, action))

    def run(self, traveller):
        """Every step in time order, and the deadline scan each morning and at
        the end, as beat would have run it."""
        self.queue.sort()
        day = self.queue[0].at.replace(hour=0, minute=0, second=0, microsecond=0)
        for step in self.queue:
            if step.at > self.now:
                continue
            while day + datetime.timedelta(hours=8) < step.at:
                traveller.move_to(day + datetime.timedelta(hours=8))
                scan()
                day += datetime.timedelta(days=1)
            traveller.move_to(step.at)
            step.action(step.story)
        traveller.move_to(self.now)
        scan()


def _moment(now, days_ago, hour):
    local = timezone.localtime(now) - datetime.timedelta(days=days_ago)
    return local.replace(hour=hour, minute=(days_ago * 7) % 60, second=0, microsecond=0)


def _reply_text(case):
    if case.language.startswith("en"):
        return REPLY_EN
    root = case.category.parent.code if case.category.parent_id else case.category.code
    return f"您好！关于您反映的“{case.title}”问题，{REPLIES.get(root, REPLIES['other'])}感谢您的监督与支持！"


def _clock(case_id, kind):
    return (SupervisionClock.objects.filter(case_id=case_id, kind=kind, state=ClockState.RUNNING)
            .order_by("-pk").first())


def _plan(demo, story, row):
    days_ago, hour, author, kind, category, region, public, fate, title, body = row
    start = _moment(demo.now, days_ago, hour)
    english = title.isascii()
    h = datetime.timedelta(hours=1)

    def submit(story):
        fields = dict(kind=kind, category=demo.categories[category], region=demo.regions[region], title=title,
                      body=body, wants_public=public, language="en" if english else "zh-hans",
                      urgency=Urgency.NORMAL)
        if author == "phone":
            case, _created = case_record_for_citizen(
                actor=demo.operator, channel=Channel.PHONE, contact_name="来电市民",
                contact_phone=f"1390000{story.index:04d}", **fields)
        else:
            citizen = demo.citizens[author]
            case, _created = case_submit(actor=citizen, contact_email=citizen.email, contact_name=citizen.full_name,
                                         **fields)
        story.case_id = case.pk
        responses.case_route(case_id=case.pk)

    def official_does(action, **kwargs):
        def step(story):
            case = Case.objects.get(pk=story.case_id)
            action(actor=demo.official(case), case_id=case.pk, **kwargs)
        return step

    def reply(story):
        case = Case.objects.get(pk=story.case_id)
        responses.case_reply(actor=demo.official(case), case_id=case.pk, body=_reply_text(case))
        if fate != "approval-pending" and Case.objects.filter(pk=case.pk, status=Status.PENDING_APPROVAL).exists():
            # A department that approves its replies: its head read this one at once.
            responses.reply_approve(actor=demo.official(case, head=True), case_id=case.pk)

    def rate(satisfaction, reopen=False):
        def step(story):
            case = Case.objects.get(pk=story.case_id)
            supervision.feedback_give(
                actor=case.citizen, case_id=case.pk, resolved=satisfaction != UNSATISFIED,
                satisfaction=satisfaction, reopen=reopen,
                comment="处理及时，谢谢。" if satisfaction == SATISFIED else "")
        return step

    def publish(story):
        case = Case.objects.select_related("publication").get(pk=story.case_id)
        answer = case.replies(manager="published").order_by("-published_at").first()
        publication_approve(actor=demo.moderator, case_id=case.pk, title=case.title, body=case.body,
                            answer=answer.body if answer else "")

    def visit(outcome):
        def step(story):
            responses.return_visit_record(
                actor=demo.operator, case_id=story.case_id, outcome=outcome,
                resolved=None if outcome == "unreachable" else outcome != UNSATISFIED,
                note="电话回访，市民表示问题已解决。" if outcome != "unreachable" else "两次拨打均无人接听。")
        return step

    def dispatcher_does(action, **kwargs):
        def step(story):
            action(actor=demo.dispatcher, case_id=story.case_id, **kwargs)
        return step

    def to(code):
        return demo.departments[code]

    sign = official_does(responses.case_sign_for)
    demo.at(story, start, submit)
    name, _sep, rating = fate.partition(":")
    if name in ("rated", "visit", "unevaluated", "answered", "extension", "late", "reopened"):
        sign_after = 30 if name == "late" else 2 + days_ago % 5
        demo.at(story, start + sign_after * h, sign)
        reply_after = {"late": 22 * DAY if kind == K.COMPLAINT else 6 * DAY, "extension": 14 * DAY}.get(
            name, (1 + days_ago % 3) * DAY if kind == K.CONSULTATION else (2 + days_ago % 4) * DAY)
        if name == "extension":
            def extend(story):
                case = Case.objects.get(pk=story.case_id)
                clock = _clock(case.pk, ClockKind.REPLY)
                extension = supervision.extension_request(
                    actor=demo.official(case), clock_id=clock.pk, new_due_at=clock.due_at + datetime.timedelta(days=7),
                    reason="需协调水务部门联合排查排水管网，现场检测结果预计一周后出具。")
                supervision.extension_approve(actor=demo.supervisor, extension_id=extension.pk,
                                              note="同意延期，请按期答复。")
            demo.at(story, start + 3 * DAY * h, extend)
        demo.at(story, start + reply_after * h, reply)
        replied = start + reply_after * h
        if public:
            demo.at(story, replied + 20 * h, publish)
        if name == "reopened" or rating.startswith("unsatisfied-reopen"):
            demo.at(story, replied + 1.5 * DAY * h, rate(UNSATISFIED, reopen=True))
        elif name == "visit":
            demo.at(story, replied + 2 * DAY * h, visit(rating))
        elif name in ("rated", "extension", "late"):
            demo.at(story, replied + 1.5 * DAY * h, rate(rating))
        if rating == "unsatisfied-reopen-done":
            demo.at(story, replied + 5 * DAY * h, reply)
            demo.at(story, replied + 6 * DAY * h, rate(BASIC))
            if public:
                demo.at(story, replied + 6 * DAY * h, publish)
    elif name in ("signed", "overdue", "material", "approval-pending", "overdue-order", "overdue-order-answered"):
        demo.at(story, start + 3 * h, sign)
        if name == "material":
            demo.at(story, start + 2 * DAY * h, official_does(
                responses.material_request, message="请补充施工路段的具体位置和现场照片。"))
        if name == "approval-pending":
            demo.at(story, start + 4 * DAY * h, reply)
        if name.startswith("overdue-order"):
            def order(story):
                supervision.order_issue(
                    actor=demo.supervisor, case_id=story.case_id, due_at=timezone.now() + datetime.timedelta(days=5),
                    instructions="该件已超期未答复，请于五日内核实办理并书面报告进展。")
            demo.at(story, start + 20 * DAY * h, order)
        if name == "overdue-order-answered":
            def answer(story):
                case = Case.objects.get(pk=story.case_id)
                order = case.supervision_orders.order_by("-pk").first()
                supervision.order_answer(actor=demo.official(case), order_id=order.pk,
                                         response="已安排维修班组进场，预计本周内修复全部路灯。")
            demo.at(story, start + 22 * DAY * h, answer)
    elif name == "rerouted":
        # The rule sent it to city management; the fire lane is the district's.
        demo.at(story, start + 4 * h, official_does(
            responses.case_return, reason="占用消防通道属属地街道和消防部门职责，请改派。"))
        demo.at(story, start + 7 * h, dispatcher_does(responses.return_reroute, department=to("xicheng"),
                                                       note="改派西城区政府牵头处理。"))
        demo.at(story, start + 9 * h, sign)
        demo.at(story, start + 4 * DAY * h, reply)
        demo.at(story, start + 6 * DAY * h, rate(rating))
    elif name == "returned-waiting":
        demo.at(story, start + 2 * h, dispatcher_does(responses.case_dispatch, department=to("market-regulation"),
                                                       note="充电收费问题，请市场监管局核查。"))
        demo.at(story, start + 5 * h, official_does(
            responses.case_return, reason="小区充电桩收费属于物业服务收费，请改派住建委。"))
    elif name == "by-hand":
        demo.at(story, start + 2 * h, dispatcher_does(responses.case_dispatch, department=to("dongcheng"),
                                                       note="请东城区政府答复志愿服务认证问题。"))
        demo.at(story, start + 5 * h, sign)
        demo.at(story, start + 2 * DAY * h, reply)
        demo.at(story, start + 3 * DAY * h, publish)
        demo.at(story, start + 4 * DAY * h, rate(rating))
    elif name == "rejected":
        reason = RejectionReason.objects.order_by("order").first()
        demo.at(story, start + 3 * h, dispatcher_does(responses.case_reject, reason=reason,
                                                       note="邻里纠纷，建议通过社区调解解决。"))
    elif name == "merge":
        target = next(other for other in demo.stories if other.title == rating)
        demo.at(story, start + 4 * h, lambda story: responses.case_merge(
            actor=demo.dispatcher, case_id=story.case_id, into_case_id=target.case_id, note="重复反映，合并办理。"))
    elif name == "withdrawn":
        demo.at(story, start + 2 * h, lambda story: responses.case_withdraw(
            actor=Case.objects.get(pk=story.case_id).citizen, case_id=story.case_id))
    # "waiting" and "centre": routed (or not) and left for the department or the dispatcher.


def _plan_petition(demo, story, row):
    days_ago, author, category, region, title, body, signatures = row
    start = _moment(demo.now, days_ago, 10)
    h = datetime.timedelta(hours=1)

    def submit(story):
        citizen = demo.citizens[author]
        case, _created = case_submit(
            actor=citizen, kind=K.PETITION, category=demo.categories[category], region=demo.regions[region],
            title=title, body=body, wants_public=True, contact_email=citizen.email, contact_name=citizen.full_name)
        story.case_id = case.pk
        responses.case_route(case_id=case.pk)

    def publish(story):
        # Publishing a petition opens it for co-signing (signatures/receivers.py).
        publication_approve(actor=demo.moderator, case_id=story.case_id, title=title, body=body)
        # What the publication's receiver does once it commits; the demo's one transaction commits at the end.
        petition_open(case_id=story.case_id, actor=demo.moderator)

    def sign(number):
        def step(story):
            case = Case.objects.select_related("petition").get(pk=story.case_id)
            signature = signature_start(petition_id=case.petition.pk, name=f"联署人{number:03d}",
                                        email=f"signer{number:03d}.{story.index}@wenzheng.example")
            signature_confirm(token=confirmation_token(signature))
        return step

    demo.at(story, start, submit)
    demo.at(story, start + 26 * h, publish)
    span = (days_ago - 2) * 24 - 30
    for number in range(signatures):
        demo.at(story, start + (30 + span * number / signatures) * h, sign(number))


def load_history() -> bool:
    """Play the demo's history once; a database with cases already keeps them."""
    if Case.objects.exists():
        return False
    config = PetitionSettings.load()
    config.response_threshold, config.hearing_threshold = DEMO_RESPONSE_THRESHOLD, DEMO_HEARING_THRESHOLD
    config.save()
    now = timezone.now().replace(microsecond=0)
    demo = Demo(now)
    for email, name in CITIZENS:
        user = User.objects.filter(email=email).first()
        if user is None:
            from portal.demo import demo_user_create

            user = demo_user_create(email=email, full_name=name, email_confirmed_at=now)
        demo.citizens[len(demo.citizens)] = user
    for index, row in enumerate(CASES):
        story = Story(index, title=row[8])
        demo.stories.append(story)
        _plan(demo, story, row)
    for row in PETITIONS:
        story = Story(len(demo.stories))
        demo.stories.append(story)
        _plan_petition(demo, story, row)
    with time_machine.travel(min(demo.queue).at, tick=False) as traveller:
        demo.run(traveller)
    return True
