import { Navigate } from '@remix-run/react';
import { useAuth } from '../context/AuthContext';
import { Splash } from '../components/Splash';

export default function Index() {
  const { status } = useAuth();
  if (status === 'loading') return <Splash />;
  return <Navigate to={status === 'authenticated' ? '/chat' : '/login'} replace />;
}
