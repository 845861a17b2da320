/** /api/auth/* and /api/me. */
import { Hono } from 'hono';
import { users } from '../../drizzle/schema';
import type { AppEnv } from '../app-env';
import { readConfig } from '../env';
import { uniqueViolation } from '../http/database';
import { conflict, notFound, unauthorized } from '../http/errors';
import { readJson } from '../http/validate';
import { decoyHash, hashPassword, verifyPassword } from './password';
import { requireUser } from './require-user';
import { loginSchema, registerSchema } from './schemas';
import { signAccessToken } from './tokens';
import { findUserById, findUserByLogin, publicUser, type PublicUser } from './users';

export const authRoutes = new Hono<AppEnv>();

async function session(secret: string, ttl: number, user: PublicUser) {
  return { user, token: await signAccessToken(secret, user, ttl), expiresIn: ttl };
}

authRoutes.post('/auth/register', async (c) => {
  const body = await readJson(c, registerSchema);
  const config = readConfig(c.env);
  const passwordHash = await hashPassword(body.password, config.BCRYPT_COST);
  try {
    const [user] = await c
      .var.db()
      .insert(users)
      .values({
        username: body.username,
        email: body.email,
        displayName: body.displayName ?? body.username,
        passwordHash,
      })
      .returning();
    return c.json(await session(config.JWT_SECRET, config.ACCESS_TOKEN_TTL_SECONDS, publicUser(user!)), 201);
  } catch (err) {
    const constraint = uniqueViolation(err);
    if (constraint === 'users_username_key') throw conflict('username is taken');
    if (constraint === 'users_email_key') throw conflict('email is already registered');
    throw err;
  }
});

authRoutes.post('/auth/login', async (c) => {
  const body = await readJson(c, loginSchema);
  const config = readConfig(c.env);
  const user = await findUserByLogin(c.var.db(), body.login);
  const ok = await verifyPassword(body.password, user?.passwordHash ?? (await decoyHash(config.BCRYPT_COST)));
  if (!user || !ok) throw unauthorized('wrong username or password');
  return c.json(await session(config.JWT_SECRET, config.ACCESS_TOKEN_TTL_SECONDS, publicUser(user)));
});

authRoutes.get('/me', requireUser, async (c) => {
  const user = await findUserById(c.var.db(), c.var.user.userId);
  if (!user) throw notFound('user no longer exists');
  return c.json({ user: publicUser(user) });
});
