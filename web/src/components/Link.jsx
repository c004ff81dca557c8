import { navigate } from '../lib/router.js';

/** A real link (it opens in a new tab too) that the console follows without reloading. */
export function Link({ href, children, ...rest }) {
  function follow(e) {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  }
  return <a href={href} onClick={follow} {...rest}>{children}</a>;
}
