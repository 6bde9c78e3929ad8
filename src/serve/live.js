// Injected by `dl4m serve` into the pages it serves, never into `dl4m build`
// output: reloads the page once a build newer than the one it shows is ready.
const shown = new URL(import.meta.url).searchParams.get('build');
const events = new EventSource('/__dl4m/events');
events.addEventListener('build', (event) => {
  if (event.data !== shown) location.reload();
  else document.documentElement.dataset.dl4mLive = 'connected';
});

const problems = document.getElementById('dl4m-problems');
problems?.querySelector('button')?.addEventListener('click', () => problems.remove());
