/**
 * My secret-chat devices on the account page (docs/e2e.md): every browser that opened a secret
 * chat holds its own keys; one I no longer have (a lost phone) can be removed, so nothing new
 * is sealed for it. Shown only once I have one.
 */
import { useCallback, useEffect, useState } from 'react';
import { useMe } from '../../context/AuthContext';
import { errorMessage, request } from '../../services/api';
import type { ListedDevice } from '../../lib/e2e/directory';
import { secretChatsFor } from '../../services/secret-chats-lazy';
import { formatFull } from '../../lib/format';
import { FormError } from '../FormError';

export function SecretDevices() {
  const me = useMe();
  const [list, setList] = useState<{ devices: ListedDevice[]; thisDevice: string | undefined } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    // The list first: the secret-chat code (and its cryptography) loads only for someone who has devices.
    request<{ devices: ListedDevice[] }>('GET', `/api/e2e/users/${me.id}/devices`)
      .then(async ({ devices }) => ({ devices, thisDevice: devices.length ? (await secretChatsFor(me.id)).thisDevice() : undefined }))
      .then(setList, (err: unknown) => setError(errorMessage(err)));
  }, [me.id]);
  useEffect(load, [load]);

  const remove = async (deviceId: string) => {
    setError(null);
    try {
      await (await secretChatsFor(me.id)).removeDevice(deviceId);
      setConfirming(null);
      load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  if (!list?.devices.length && !error) return null;
  return (
    <section className="stack" aria-labelledby="secret-devices-title" data-testid="secret-devices">
      <h2 id="secret-devices-title" className="section-title">
        Secret chat devices
      </h2>
      <p className="muted">Each browser that opened a secret chat has keys of its own. Remove one you no longer have: new secret messages will not be readable on it.</p>
      <FormError message={error} testId="secret-devices-error" />
      <ul className="member-list">
        {list?.devices.map((d, i) => {
          const here = d.deviceId === list.thisDevice;
          return (
            <li key={d.deviceId} className="member" data-testid="secret-device" data-this-device={here || undefined}>
              <span className="member__body">
                <strong>{here ? 'This browser' : `Device ${i + 1}`}</strong>
                <span className="muted"> added {formatFull(d.createdAt)}</span>
              </span>
              {!here &&
                (confirming === d.deviceId ? (
                  <span className="row">
                    <button type="button" className="btn btn--danger btn--xs" onClick={() => void remove(d.deviceId)} data-testid="secret-device-remove-confirm">
                      Remove it
                    </button>
                    <button type="button" className="link-btn" onClick={() => setConfirming(null)}>
                      Cancel
                    </button>
                  </span>
                ) : (
                  <button type="button" className="btn btn--secondary btn--xs" onClick={() => setConfirming(d.deviceId)} aria-label={`Remove device ${i + 1}`} data-testid="secret-device-remove">
                    Remove
                  </button>
                ))}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
