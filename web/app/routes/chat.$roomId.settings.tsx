import { useOutletContext } from '@remix-run/react';
import type { MetaFunction } from '@remix-run/cloudflare';
import type { ChatOutletContext } from '../components/ChatWindow';
import { GroupSettings } from '../components/GroupSettings';

export const meta: MetaFunction = () => [{ title: 'Group settings · edge-chat' }];

export default function GroupSettingsRoute() {
  const { chat, me } = useOutletContext<ChatOutletContext>();
  return <GroupSettings chat={chat} me={me} />;
}
