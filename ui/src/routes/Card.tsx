// A card as a page of its own (/cards/:id): the same detail as the board's side panel, for links and phones.
import { useParams } from '@solidjs/router';
import CardPanel from '../components/CardPanel.tsx';

export default function CardPage() {
  const params = useParams<{ id: string }>();
  return (
    <section class="page">
      <CardPanel id={Number(params.id)} viewers={[]} names={{}} page />
    </section>
  );
}
