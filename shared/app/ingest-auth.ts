import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether the presented bearer token is the expected one, in constant time: both sides are hashed first, so
 * the comparison takes the same time whatever the lengths and however many leading characters match.
 */
export const tokenMatches = (presented: string, expected: string): boolean => {
  if (expected === '') return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
};
