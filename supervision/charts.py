"""A small server-drawn SVG line chart for monthly trends: no JavaScript,
prints and exports as it is shown, and carries a title and description for
screen readers (the page also shows the same numbers as a table)."""

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
COLOURS = ["#a4161a", "#0b4f8a", "#2e7d32", "#e08e0b"]


def line_chart(*, title: str, labels: list[str], series: list[tuple[str, list[float | None]]]) -> str:
    """Percentages (0-100) per label, one line per series."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(len(labels), 1)

    def x(index):
        return LEFT + (plot_w * index / (count - 1) if count > 1 else plot_w / 2)

    def y(value):
        return TOP + plot_h * (1 - value / 100)

    parts = [
        format_html('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" class="chart" '
                    'aria-labelledby="chart-title chart-desc">', WIDTH, HEIGHT),
        format_html('<title id="chart-title">{}</title>', title),
        format_html('<desc id="chart-desc">{}</desc>', "; ".join(
            f"{name}: " + ", ".join(f"{label} {value if value is not None else '—'}"
                                    for label, value in zip(labels, values, strict=False))
            for name, values in series)),
    ]
    for tick in (0, 25, 50, 75, 100):
        parts.append(format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ddd"/><text x="{}" y="{}" font-size="11" '
            'text-anchor="end" fill="#555">{}%</text>', LEFT, WIDTH - RIGHT, y(tick), y(tick), LEFT - 6,
            y(tick) + 4, tick))
    for index, label in enumerate(labels):
        parts.append(format_html('<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#555">{}</text>',
                                 x(index), HEIGHT - BOTTOM + 18, label))
    for number, (name, values) in enumerate(series):
        colour = COLOURS[number % len(COLOURS)]
        points = [(x(i), y(v)) for i, v in enumerate(values) if v is not None]
        if points:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(format_html('<polyline fill="none" stroke="{}" stroke-width="2.5" points="{}"/>',
                                     colour, path))
            for px, py in points:
                parts.append(format_html('<circle cx="{}" cy="{}" r="3.5" fill="{}"/>', f"{px:.1f}", f"{py:.1f}",
                                         colour))
        legend_x = LEFT + number * 170
        parts.append(format_html(
            '<rect x="{}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{}" font-size="12">{}</text>',
            legend_x, HEIGHT - 14, colour, legend_x + 16, HEIGHT - 3, escape(name)))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(part) for part in parts))
