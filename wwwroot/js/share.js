// The shared comparison page is rendered once on the server, without a circuit: this module wires its players and
// draws its plots. A file rather than an inline script, so that the Content-Security-Policy can allow scripts from
// the portal's own files only.
import { start } from '../Components/Pages/Compare/ComparisonViewer.razor.js';

start();
