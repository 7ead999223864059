/** The live feed's state in the header: an operator must see at once when alerts stop arriving. */
import { Badge, Tooltip, UnstyledButton } from "@mantine/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { useFeedState } from "../api/feed/FeedProvider";
import type { FeedState } from "../api/feed/socket";

const COLORS: Record<FeedState["kind"], string> = {
  open: "teal",
  connecting: "yellow",
  waiting: "red",
  signed_out: "red",
  forbidden: "gray",
  stopped: "gray",
};

/** Seconds until the next reconnection attempt, counting down. */
function useCountdown(state: FeedState): number {
  const [now, setNow] = useState(() => Date.now());
  const [deadline, setDeadline] = useState(0);
  useEffect(() => {
    if (state.kind !== "waiting") return undefined;
    setDeadline(Date.now() + state.retryInMs);
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [state]);
  return state.kind === "waiting" ? Math.max(0, Math.ceil((deadline - now) / 1000)) : 0;
}

export function FeedIndicator() {
  const { t } = useTranslation();
  const { state, retryNow } = useFeedState();
  const seconds = useCountdown(state);
  const label = state.kind === "waiting" ? t("feed.waiting", { seconds }) : t(`feed.${state.kind}`);
  const badge = (
    <Badge
      color={COLORS[state.kind]}
      variant={state.kind === "open" ? "dot" : "filled"}
      size="lg"
      role="status"
      aria-live="polite"
    >
      {label}
    </Badge>
  );
  if (state.kind !== "waiting") return badge;
  return (
    <Tooltip label={t("feed.retryNow")}>
      <UnstyledButton onClick={retryNow} aria-label={t("feed.retryNow")}>
        {badge}
      </UnstyledButton>
    </Tooltip>
  );
}
