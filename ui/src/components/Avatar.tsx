// A person's initials in a coloured circle (the colour from their id, so it stays the same everywhere).
export function initials(name: string): string {
  const trimmed = name.trim();
  // Chinese names: the given name's last two characters read most naturally; Latin names: first letters.
  if (/[\u4e00-\u9fff]/.test(trimmed)) return trimmed.slice(-2);
  return trimmed
    .split(/\s+/)
    .map((part) => part[0]?.toUpperCase() ?? '')
    .slice(0, 2)
    .join('');
}

function hue(id: string): number {
  let h = 0;
  for (const char of id) h = (h * 31 + char.charCodeAt(0)) % 360;
  return h;
}

export function Avatar(props: { id: string; name: string; size?: 'small' | 'normal' }) {
  return (
    <span
      class={`avatar avatar-${props.size ?? 'normal'}`}
      style={{ '--avatar-hue': hue(props.id) }}
      title={props.name}
      aria-label={props.name}
      role="img"
    >
      {initials(props.name)}
    </span>
  );
}
