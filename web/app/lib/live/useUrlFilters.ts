/**
 * The board's filters, kept in the URL's search params so a view can be bookmarked. A change
 * applies at once in the browser and rewrites the URL in place (history.replaceState), without a
 * Remix navigation: nothing on the server depends on the filters, so reloading the loaders for
 * every change would only cost a round trip.
 */
import { useLocation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { filtersSearch, parseFilters, type BoardFilters } from "./filters";

/** Filters from the URL; changes are applied at once and written back to the URL in place. */
export function useUrlFilters(): [BoardFilters, (next: BoardFilters) => void] {
  const location = useLocation();
  const [filters, setFilters] = useState<BoardFilters>(() => parseFilters(new URLSearchParams(location.search)));
  // A navigation to this page (e.g. the "Live" link again) brings its own filters.
  useEffect(() => setFilters(parseFilters(new URLSearchParams(location.search))), [location.key, location.search]);
  const update = (next: BoardFilters) => {
    setFilters(next);
    // In place, without a Remix navigation: nothing on the server depends on the filters.
    const search = filtersSearch(next, new URLSearchParams(window.location.search));
    window.history.replaceState(window.history.state, "", `${window.location.pathname}${search}${window.location.hash}`);
  };
  return [filters, update];
}
