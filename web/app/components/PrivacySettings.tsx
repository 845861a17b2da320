/**
 * "Privacy" on the account page: who sees my last seen and online, read receipts, who can
 * add me to groups. Native radio groups (a fieldset with its legend each), so arrow keys
 * and screen readers work as everywhere; each choice is saved at once and announced.
 * The server enforces all three (docs/api.md, "Privacy"); this only chooses.
 */
import type { PrivacySettings as Settings } from '../services/api';
import { usePrivacySettings } from '../hooks/usePrivacySettings';
import { FormError } from './FormError';

type Audience = Settings['lastSeen'];

const AUDIENCE_LABELS: [Audience, string][] = [
  ['everyone', 'Everyone'],
  ['contacts', 'My contacts'],
  ['nobody', 'Nobody'],
];

interface ChoiceGroupProps<V extends string> {
  name: string;
  legend: string;
  hint: string;
  choices: [V, string][];
  value: V | undefined;
  onChange: (value: V) => void;
}

function ChoiceGroup<V extends string>({ name, legend, hint, choices, value, onChange }: ChoiceGroupProps<V>) {
  const hintId = `privacy-${name}-hint`;
  return (
    <fieldset className="privacy__group" aria-describedby={hintId} data-testid={`privacy-${name}`}>
      <legend className="field__label">{legend}</legend>
      <p id={hintId} className="field__hint">
        {hint}
      </p>
      {choices.map(([choice, label]) => (
        <label key={choice} className="field field--inline">
          <input
            type="radio"
            name={`privacy-${name}`}
            value={choice}
            checked={value === choice}
            disabled={value === undefined}
            onChange={() => onChange(choice)}
          />
          <span>{label}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** The two settings whose answer is an audience, in the order the page shows them (receipts between). */
const AUDIENCE_SETTINGS: { key: 'lastSeen' | 'groupAdd'; name: string; legend: string; hint: string }[] = [
  { key: 'lastSeen', name: 'last-seen', legend: 'Last seen and online', hint: "If you don't share yours with someone, you can't see theirs either." },
  { key: 'groupAdd', name: 'group-add', legend: 'Who can add me to groups', hint: "Anyone else who tries is told you don't allow it." },
];

export function PrivacySettings() {
  const { settings, status, error, change } = usePrivacySettings();
  const audienceGroup = ({ key, name, legend, hint }: (typeof AUDIENCE_SETTINGS)[number]) => (
    <ChoiceGroup key={key} name={name} legend={legend} hint={hint} choices={AUDIENCE_LABELS} value={settings?.[key]} onChange={(v) => void change({ [key]: v })} />
  );
  return (
    <section className="stack" aria-labelledby="privacy-title" data-testid="privacy-settings">
      <h2 id="privacy-title" className="section-title">
        Privacy
      </h2>
      <p className="muted">“My contacts” are the people you have a direct chat with in which you have both written, unless either of you blocked the other.</p>
      {AUDIENCE_SETTINGS.slice(0, 1).map(audienceGroup)}
      <ChoiceGroup
        name="read-receipts"
        legend="Read receipts"
        hint="If you turn them off, you won't see other people's either, in groups too. Delivery still shows."
        choices={[
          ['on', 'On'],
          ['off', 'Off'],
        ]}
        value={settings ? (settings.readReceipts ? 'on' : 'off') : undefined}
        onChange={(v) => void change({ readReceipts: v === 'on' })}
      />
      {AUDIENCE_SETTINGS.slice(1).map(audienceGroup)}
      <p className="muted" role="status" data-testid="privacy-status">
        {status}
      </p>
      <FormError message={error} testId="privacy-error" />
    </section>
  );
}
