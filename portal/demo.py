"""A small demo city: departments on two levels, categories, regions,
routing rules that cover most categories, and one account per role.

Everything here is ordinary data an administrator could enter in the admin;
the demo only saves typing. Loading it twice changes nothing."""

import functools

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import Department, DepartmentMembership, User
from accounts.roles import Role
from petitions.models import Category, Region, RejectionReason
from responses.models import ReplyTemplate, RoutingRule

DEMO_PASSWORD = "wenzheng-demo-2026"

# code, Chinese name, English name, parent code
DEPARTMENTS = [
    ("city-management", "市城市管理委员会", "City Management Commission", None),
    ("transport", "市交通委员会", "Transport Commission", None),
    ("environment", "市生态环境局", "Ecology and Environment Bureau", None),
    ("housing", "市住房和城乡建设委员会", "Housing and Construction Commission", None),
    ("market-regulation", "市市场监督管理局", "Market Regulation Bureau", None),
    ("human-resources", "市人力资源和社会保障局", "Human Resources and Social Security Bureau", None),
    ("education", "市教育委员会", "Education Commission", None),
    ("health", "市卫生健康委员会", "Health Commission", None),
    ("dongcheng", "东城区人民政府", "Dongcheng District Government", None),
    ("xicheng", "西城区人民政府", "Xicheng District Government", None),
    ("dongcheng-donghuamen", "东华门街道办事处", "Donghuamen Street Office", "dongcheng"),
    ("xicheng-xinjiekou", "新街口街道办事处", "Xinjiekou Street Office", "xicheng"),
]

CATEGORIES = [
    ("urban", "城市管理", "City management", None),
    ("urban-noise", "噪音扰民", "Noise", "urban"),
    ("urban-sanitation", "环境卫生", "Sanitation", "urban"),
    ("urban-construction", "违法建设", "Illegal construction", "urban"),
    ("transport", "交通出行", "Transport", None),
    ("transport-roads", "道路设施", "Roads", "transport"),
    ("transport-public", "公共交通", "Public transport", "transport"),
    ("environment", "生态环境", "Environment", None),
    ("environment-air", "大气污染", "Air pollution", "environment"),
    ("environment-water", "水污染", "Water pollution", "environment"),
    ("housing", "住房保障", "Housing", None),
    ("housing-property", "物业管理", "Property management", "housing"),
    ("consumer", "消费维权", "Consumer rights", None),
    ("consumer-food", "食品安全", "Food safety", "consumer"),
    ("employment", "劳动就业", "Employment", None),
    ("employment-wages", "拖欠工资", "Unpaid wages", "employment"),
    ("education", "教育", "Education", None),
    ("health", "医疗卫生", "Health", None),
    ("other", "其他", "Other", None),
]

REGIONS = [
    ("city", "示范市", "Demo City", None),
    ("dongcheng", "东城区", "Dongcheng District", "city"),
    ("dongcheng-donghuamen", "东华门街道", "Donghuamen Street", "dongcheng"),
    ("dongcheng-jingshan", "景山街道", "Jingshan Street", "dongcheng"),
    ("xicheng", "西城区", "Xicheng District", "city"),
    ("xicheng-xinjiekou", "新街口街道", "Xinjiekou Street", "xicheng"),
    ("xicheng-jinrongjie", "金融街街道", "Jinrongjie Street", "xicheng"),
]

# priority, name, kind, category, region, keywords, lead department
RULES = [
    (10, "东华门噪音 → 街道办", "", "urban-noise", "dongcheng-donghuamen", "", "dongcheng-donghuamen"),
    (20, "新街口噪音 → 街道办", "", "urban-noise", "xicheng-xinjiekou", "", "xicheng-xinjiekou"),
    (30, "欠薪关键词 → 人社局", "", None, None, "拖欠工资, 欠薪, unpaid wages", "human-resources"),
    (100, "城市管理 → 城管委", "", "urban", None, "", "city-management"),
    (110, "交通出行 → 交通委", "", "transport", None, "", "transport"),
    (120, "生态环境 → 生态环境局", "", "environment", None, "", "environment"),
    (130, "住房保障 → 住建委", "", "housing", None, "", "housing"),
    (140, "消费维权 → 市场监管局", "", "consumer", None, "", "market-regulation"),
    (150, "劳动就业 → 人社局", "", "employment", None, "", "human-resources"),
    (160, "教育 → 教委", "", "education", None, "", "education"),
    (170, "医疗卫生 → 卫健委", "", "health", None, "", "health"),
]

REJECTION_REASONS = [
    (10, "不属于政府职责范围", "Not a government matter"),
    (20, "属于诉讼、仲裁等法定途径", "Belongs to the courts or arbitration"),
    (30, "内容不实或无法核实", "Untrue or impossible to verify"),
    (40, "含有辱骂、骚扰等不当内容", "Abusive or harassing content"),
]

# title, category code (None: every category), text
REPLY_TEMPLATES = [
    ("噪音扰民：已责令整改", "urban-noise",
     "您好！您反映的噪音扰民问题已收悉。经现场核查，我单位已责令相关单位立即整改，并将加强夜间巡查。"
     "如问题仍未解决，请再次联系我们。感谢您对城市管理工作的支持！"),
    ("通用：已办理", None,
     "您好！您反映的问题已收悉。经核实，我单位已按规定办理，具体情况如下：\n\n（请填写办理情况）\n\n感谢您的监督与支持！"),
]

# e-mail, name, role description, groups, department code, is head, superuser
ACCOUNTS = [
    ("citizen@wenzheng.example", "张市民", "citizen", [], None, False, False),
    ("operator@wenzheng.example", "李接线员", "operator", [Role.OPERATOR], None, False, False),
    ("dispatcher@wenzheng.example", "王派单员", "dispatcher", [Role.DISPATCHER], None, False, False),
    ("official@wenzheng.example", "赵办事员", "official (City Management)", [], "city-management", False, False),
    ("head@wenzheng.example", "钱处长", "department head (City Management)", [], "city-management", True, False),
    ("transport@wenzheng.example", "孙办事员", "official (Transport)", [], "transport", False, False),
    ("environment@wenzheng.example", "郑办事员", "official (Ecology and Environment)", [], "environment", False, False),
    ("housing@wenzheng.example", "冯办事员", "official (Housing; replies need the head's approval)", [], "housing",
     False, False),
    ("housing-head@wenzheng.example", "陈主任", "department head (Housing: approves replies)", [], "housing", True,
     False),
    ("market@wenzheng.example", "褚办事员", "official (Market Regulation)", [], "market-regulation", False, False),
    ("hr@wenzheng.example", "卫办事员", "official (Human Resources and Social Security)", [], "human-resources",
     False, False),
    ("education@wenzheng.example", "蒋办事员", "official (Education)", [], "education", False, False),
    ("health@wenzheng.example", "沈办事员", "official (Health)", [], "health", False, False),
    ("dongcheng@wenzheng.example", "韩办事员", "official (Dongcheng District)", [], "dongcheng", False, False),
    ("xicheng@wenzheng.example", "杨办事员", "official (Xicheng District)", [], "xicheng", False, False),
    ("donghuamen@wenzheng.example", "朱办事员", "official (Donghuamen Street Office)", [], "dongcheng-donghuamen",
     False, False),
    ("xinjiekou@wenzheng.example", "秦办事员", "official (Xinjiekou Street Office)", [], "xicheng-xinjiekou",
     False, False),
    ("supervisor@wenzheng.example", "周督办", "supervisor", [Role.SUPERVISOR], None, False, False),
    ("moderator@wenzheng.example", "吴审核", "moderator", [Role.MODERATOR], None, False, False),
    ("admin@wenzheng.example", "系统管理员", "administrator", [], None, False, True),
]



def demo_account_roles() -> list[tuple[str, str]]:
    """(e-mail, role) of every account load_demo makes, those of the further
    mechanisms' demos too: the list `runportal` prints at every start."""
    from interviews.demo import HOST_EMAIL

    return [(email, role) for email, _name, role, *_rest in ACCOUNTS] + [(HOST_EMAIL, "interview host")]

# The one department whose replies wait for its head's approval, so the
# approval can be tried (housing@ drafts, housing-head@ approves).
APPROVING_DEPARTMENTS = {"housing"}


@functools.cache
def _demo_password_hash() -> str:
    # Hashed once: the hasher is slow on purpose, and every demo account shares the password.
    return make_password(DEMO_PASSWORD)


def demo_user_create(**fields) -> User:
    user = User.objects.create_user(password=None, **fields)
    user.password = _demo_password_hash()
    user.save(update_fields=["password"])
    return user


def _tree(model, rows, **extra):
    nodes = {}
    for code, name, name_en, parent in rows:
        defaults = {"name": name, "name_en": name_en, "parent": nodes.get(parent)}
        defaults.update({field: code in codes for field, codes in extra.items()})
        nodes[code], _created = model.objects.update_or_create(code=code, defaults=defaults)
    return nodes


@transaction.atomic
def load_demo(*, history: bool = True) -> list[tuple[str, str, str]]:
    """Load the demo city, with its past cases unless told not to (the
    benchmarks' generator brings its own); returns (e-mail, password, role)
    per account."""
    departments = _tree(Department, DEPARTMENTS, requires_head_approval=APPROVING_DEPARTMENTS)
    categories = _tree(Category, CATEGORIES)
    regions = _tree(Region, REGIONS)
    for priority, name, kind, category, region, keywords, department in RULES:
        RoutingRule.objects.update_or_create(
            name=name,
            defaults={
                "priority": priority, "kind": kind, "keywords": keywords,
                "category": categories.get(category), "region": regions.get(region),
                "lead_department": departments[department],
            },
        )
    for order, name, name_en in REJECTION_REASONS:
        RejectionReason.objects.update_or_create(name=name, defaults={"name_en": name_en, "order": order})
    for title, category, body in REPLY_TEMPLATES:
        ReplyTemplate.objects.update_or_create(
            title=title, defaults={"category": categories.get(category), "body": body}
        )
    accounts = []
    for email, full_name, role, groups, department, is_head, superuser in ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = demo_user_create(
                email=email, full_name=full_name,
                is_staff=superuser, is_superuser=superuser,
                # Made-up addresses no one can confirm; the demo needs its
                # citizen's phone cases linked as a real confirmed one's are.
                email_confirmed_at=timezone.now(),
            )
        user.groups.add(*Group.objects.filter(name__in=[group.value for group in groups]))
        if department:
            DepartmentMembership.objects.get_or_create(
                user=user, department=departments[department], defaults={"is_head": is_head}
            )
        accounts.append((email, DEMO_PASSWORD, role))
    # Each further mechanism's own demo data, on the city above; the
    # history is written only into an empty city, so it comes first.
    from interviews.demo import load_interviews_demo
    from places.demo import load_demo_places

    load_demo_places()
    if history:
        from portal.demo_history import load_history

        load_history()
        from places.demo import place_demo_cases

        place_demo_cases()
    accounts += load_interviews_demo(password=DEMO_PASSWORD)
    from consultations.demo import load_consultations_demo
    from oversight.demo import load_oversight_demo

    load_oversight_demo()
    load_consultations_demo()
    return accounts


