import { useParams } from '@remix-run/react';
import { ChatWindow } from '../components/ChatWindow';
import { useMe } from '../context/AuthContext';

export default function RoomRoute() {
  const { roomId } = useParams();
  const me = useMe();
  if (!roomId) return null;
  // Keyed by room: switching rooms starts a fresh socket and message store.
  return <ChatWindow key={roomId} roomId={roomId} me={me.id} />;
}
