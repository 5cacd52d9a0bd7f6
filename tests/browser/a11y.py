"""axe-core (vendor/axe.min.js, MPL-2.0, see vendor/) run in the page under test."""

from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
#: WCAG 2.0 and 2.1, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe's violations of AXE_TAGS on the page's current document."""
    # Evaluated through the DevTools protocol, which the page's Content Security Policy (no
    # inline scripts) does not govern; a <script> tag would be refused, as it should be.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    """Violations as readable lines: rule id, impact and help, then each node's target."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation.get('impact')}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    {target}: {node['html'][:160]}")
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"        {summary[:300]}")
    return "\n".join(lines)


#: The outermost elements of the page whose right edge passes the viewport's, each as a short
#: description. Data tables are left out: WCAG 1.4.10 exempts content that needs two dimensions.
OVERFLOWING_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const seen = [];
  for (const element of document.querySelectorAll('main *, header *, footer *')) {
    if (element.closest('table')) continue;
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    if (seen.some((outer) => outer.contains(element))) continue;
    seen.push(element);
  }
  return seen.map((element) => {
    const box = element.getBoundingClientRect();
    const text = (element.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 70);
    return `<${element.tagName.toLowerCase()}> "${text}" ends at ${Math.round(box.right)} px`;
  });
}
"""

#: The focused element's outline and the contrast ratio of its colour with the background
#: it is drawn on (the nearest ancestor's opaque background: the outline sits outside the box).
FOCUS_OUTLINE_JS = """
() => {
  const rgb = (css) => (css.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const element = document.activeElement;
  const style = getComputedStyle(element);
  let background = 'rgb(255, 255, 255)';
  for (let node = element.parentElement; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    const parts = rgb(colour);
    if (parts.length === 3 || (parts.length === 4 && parts[3] > 0)) { background = colour; break; }
  }
  const [l1, l2] = [luminance(rgb(style.outlineColor)), luminance(rgb(background))]
    .sort((a, b) => b - a);
  const named = element.getAttribute('aria-label') || (element.labels && element.labels.length
    ? element.labels[0].textContent : element.textContent);
  const label = (named || '')
    .replace(/\\s+/g, ' ').trim().slice(0, 40);
  return {
    element: `<${element.tagName.toLowerCase()}> ${label}`,
    inMain: element.closest('main') !== null,
    outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
    visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    background,
    contrast: Math.round(((l1 + 0.05) / (l2 + 0.05)) * 100) / 100,
  };
}
"""


def assert_accessible(page: Any) -> None:
    """No axe violation of AXE_TAGS on the page's current document."""
    violations = axe_violations(page)
    assert not violations, describe(violations)
