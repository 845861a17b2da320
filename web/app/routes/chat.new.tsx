import { useSearchParams } from '@remix-run/react';
import { NewChat } from '../components/NewChat';
import { useMe } from '../context/AuthContext';

export default function NewChatRoute() {
  const me = useMe();
  const [params] = useSearchParams();
  return <NewChat me={me.username} initialTab={params.get('tab') === 'group' ? 'group' : params.get('tab') === 'secret' ? 'secret' : 'direct'} />;
}
