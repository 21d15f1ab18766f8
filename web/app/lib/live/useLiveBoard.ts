/**
 * The board's state in React: frames from the socket are queued and applied together once per
 * animation frame (one state update and one render however many deltas arrived), which keeps a
 * 500-member board smooth when many agents report at once. In a background tab animation frames
 * stop, so the queue is drained by a slow timer instead (and a resync follows when the tab returns).
 */
import { useEffect, useRef, useState } from "react";
import type { LiveServerFrame } from "../../../../worker/contract/live";
import { applyFrames, emptyBoard, type BoardState } from "./boardState";
import { isFinal, LiveConnection, type ConnectionStatus } from "./liveConnection";
import { liveSocketUrl } from "./reconnect";

const BACKGROUND_FLUSH_MS = 1000;
const MAX_QUEUE = 1000;

export interface LiveBoard {
  board: BoardState;
  status: ConnectionStatus;
}

export function useLiveBoard(workspaceId: string): LiveBoard {
  const [board, setBoard] = useState<BoardState>(emptyBoard);
  const [status, setStatus] = useState<ConnectionStatus>("connecting");
  // The latest board outside React's render cycle: frames are applied to it, then published.
  const boardRef = useRef<BoardState>(emptyBoard);

  useEffect(() => {
    boardRef.current = emptyBoard;
    setBoard(emptyBoard);
    const queue: { frame: LiveServerFrame; receivedAt: number }[] = [];
    let raf = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const flush = () => {
      raf = 0;
      timer = undefined;
      if (!queue.length) return;
      const r = applyFrames(boardRef.current, queue.splice(0));
      if (r.state !== boardRef.current) {
        boardRef.current = r.state;
        setBoard(r.state);
      }
      if (r.needsResync) connection.resync();
    };

    const connection = new LiveConnection({
      url: liveSocketUrl(window.location.origin, workspaceId),
      lastSeq: () => (boardRef.current.epoch === null ? null : boardRef.current.seq),
      onFrame(frame, receivedAt) {
        queue.push({ frame, receivedAt });
        // A hidden tab may have an animation frame pending that will not run: do not let the queue grow.
        if (queue.length >= MAX_QUEUE) {
          cancelAnimationFrame(raf);
          clearTimeout(timer);
          flush();
          return;
        }
        if (raf || timer) return;
        if (document.visibilityState === "hidden") timer = setTimeout(flush, BACKGROUND_FLUSH_MS);
        else raf = requestAnimationFrame(flush);
      },
      onStatus(next) {
        setStatus(next);
        if (isFinal(next)) {
          // The viewer may no longer see these people: forget what was shown.
          queue.length = 0;
          boardRef.current = emptyBoard;
          setBoard(emptyBoard);
        }
      },
    });
    connection.start();
    return () => {
      connection.stop();
      cancelAnimationFrame(raf);
      clearTimeout(timer);
    };
  }, [workspaceId]);

  return { board, status };
}
