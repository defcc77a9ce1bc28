// Column descriptions folded behind one line: the rows come first.
document.addEventListener("DOMContentLoaded", () => {
  for (const list of document.querySelectorAll("dl.column-descriptions")) {
    const details = document.createElement("details");
    details.className = "news-columns";
    const summary = document.createElement("summary");
    summary.textContent = "Column descriptions";
    list.parentNode.insertBefore(details, list);
    details.appendChild(summary);
    details.appendChild(list);
  }
});
