/**
 * A catalogue message whose words carry emphasis: `<b>…</b>` in the message becomes <strong>,
 * so that a translation can put the emphasis where its language needs it (no markup is parsed
 * besides that pair; the rest is text).
 */
export function Emphasis({ text }: { text: string }) {
  const parts = text.split(/<b>(.*?)<\/b>/);
  return <>{parts.map((part, i) => (i % 2 ? <strong key={i}>{part}</strong> : part))}</>;
}
