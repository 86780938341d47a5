// A local Grafana annotations API: `POST /api/annotations` (service-account token as Bearer, epoch ms) and
// `GET /api/annotations?tags=…` to read them back, answering as Grafana does.
import { type RecordingServer, startRecordingServer } from './recording-server.js';

export interface LocalAnnotation {
  id: number;
  time: number;
  timeEnd?: number;
  tags: string[];
  text: string;
  dashboardUID?: string;
  panelId?: number;
}

export interface LocalGrafana extends RecordingServer {
  annotations: LocalAnnotation[];
}

/** Timestamps before 2001-09-09 in milliseconds are surely seconds: Grafana would place them in 1970. */
const MIN_EPOCH_MS = 1_000_000_000_000;

export const startLocalGrafana = async (options: { port?: number; token: string }): Promise<LocalGrafana> => {
  const annotations: LocalAnnotation[] = [];
  const server = await startRecordingServer({
    ...(options.port !== undefined ? { port: options.port } : {}),
    handle: ({ method, path, query, headers, body }) => {
      if (headers.authorization !== `Bearer ${options.token}`)
        return { status: 401, body: { message: 'Unauthorized' } };
      if (path !== '/api/annotations') return { status: 404, body: { message: 'Not found' } };
      if (method === 'GET') {
        const tags = query.getAll('tags');
        return { status: 200, body: annotations.filter((a) => tags.every((t) => a.tags.includes(t))) };
      }
      if (method !== 'POST') return { status: 405, body: { message: 'Method not allowed' } };
      const b = (body ?? {}) as Partial<LocalAnnotation>;
      if (typeof b.text !== 'string' || b.text === '')
        return { status: 400, body: { message: 'text field should not be empty' } };
      if (b.time !== undefined && (typeof b.time !== 'number' || b.time < MIN_EPOCH_MS))
        return { status: 400, body: { message: 'time must be epoch milliseconds' } };
      const annotation: LocalAnnotation = {
        id: annotations.length + 1,
        time: b.time ?? Date.now(),
        tags: Array.isArray(b.tags) ? b.tags : [],
        text: b.text,
        ...(b.timeEnd !== undefined ? { timeEnd: b.timeEnd } : {}),
        ...(b.dashboardUID ? { dashboardUID: b.dashboardUID } : {}),
        ...(b.panelId !== undefined ? { panelId: b.panelId } : {}),
      };
      annotations.push(annotation);
      return {
        status: 200,
        body: { message: 'Annotation added', id: annotation.id },
        answer: String(annotation.id),
      };
    },
  });
  return { ...server, annotations };
};
