// Submits a crawl, polls its status until it is done, and shows progress and then the results.
(function () {
  'use strict';

  const POLL_MS = 200;
  const $ = (id) => document.getElementById(id);

  function showProgress(crawl) {
    if (crawl.total > 0) {
      $('progress').max = crawl.total;
      $('progress').value = crawl.done;
      $('progress-text').textContent = crawl.done + ' / ' + crawl.total;
    }
    $('state').textContent = crawl.state;
  }

  function showResults(pages) {
    const body = $('results').querySelector('tbody');
    body.replaceChildren();
    for (const page of pages) {
      const row = body.insertRow();
      row.insertCell().textContent = page.url;
      row.insertCell().textContent = page.status || page.error;
      row.insertCell().textContent = page.bytes;
      row.insertCell().textContent = page.title || '';
    }
    $('results').hidden = false;
  }

  async function poll(id) {
    const response = await fetch('api/crawls/' + encodeURIComponent(id));
    const crawl = await response.json();
    if (!response.ok) {
      throw new Error(crawl.error || crawl.message || response.statusText);
    }
    showProgress(crawl);
    if (crawl.state === 'done') {
      showResults(crawl.pages);
      $('crawl').disabled = false;
    } else if (crawl.state === 'unknown') {
      $('error').textContent = 'The job server no longer knows this crawl.';
      $('crawl').disabled = false;
    } else {
      setTimeout(() => poll(id).catch(fail), POLL_MS);
    }
  }

  function fail(error) {
    $('error').textContent = (error instanceof Error) ? error.message : String(error);
    $('crawl').disabled = false;
  }

  async function crawl() {
    const urls = $('urls').value.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
    $('error').textContent = '';
    $('results').hidden = true;
    $('progress').value = 0;
    $('progress-text').textContent = '';
    const response = await fetch('api/crawls', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ urls: urls })
    });
    const answer = await response.json();
    if (!response.ok) {
      throw new Error(answer.error || response.statusText);
    }
    $('crawl').disabled = true;
    showProgress(answer);
    await poll(answer.id);
  }

  $('crawl').addEventListener('click', () => crawl().catch(fail));
})();
